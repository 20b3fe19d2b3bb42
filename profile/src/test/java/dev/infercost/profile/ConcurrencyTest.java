package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.models.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {
  @Test
  void streamsRunAtOnceAndCountEveryCall() throws Exception {
    String model = Models.resolve("digits-mlp", ModelFormat.ONNX).toString();
    List<Tensor> inputs =
        SideBySide.syntheticInputs(model, Map.of("input", new long[] {1, 64}), s -> {});
    ProfileOptions one = ProfileOptions.builder().optThreads(1).optWarmup(3, 0).build();
    Concurrency.Result r = Concurrency.measure(model, inputs, one, 2, 300);
    assertEquals(2, r.streams());
    assertTrue(r.throughputPerS() > 0);
    // Every call is a latency sample; the summed rate cannot exceed what the calls' own times
    // allow: 2 streams / shortest call.
    assertTrue(r.stats().samples() >= 2, "samples " + r.stats().samples());
    assertTrue(r.throughputPerS() <= 2 * 1000 / r.stats().min() * 1.0001, r.toString());
  }

  @Test
  void rejectsZeroStreams() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Concurrency.measure("x.onnx", List.of(), ProfileOptions.builder().build(), 0, 10));
  }
}
