package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.base.InfercostException;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.models.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrencyTest {
  @TempDir java.nio.file.Path tmp;

  @Test
  void everyStreamTakesItsMinimumSamplesAndTheRateCountsEveryCall() throws Exception {
    String model = Models.resolve("digits-mlp", ModelFormat.ONNX).toString();
    List<Tensor> inputs =
        SideBySide.syntheticInputs(model, Map.of("input", new long[] {1, 64}), s -> {});
    ProfileOptions one =
        ProfileOptions.builder().optThreads(1).optWarmup(3, 0).optSampling(50, 0, 60_000).build();
    // 1 ms is far below what 50 calls take: the minimum sample count decides when streams stop.
    Concurrency.Result r = Concurrency.measure(model, inputs, one, 2, 1);
    assertEquals(2, r.streams());
    assertTrue(r.stats().samples() >= 2 * 50, "samples " + r.stats().samples());
    // calls / longest stream time: at most 2 streams' worth of back-to-back mean calls.
    assertTrue(r.throughputPerS() <= 2 * 1000 / r.stats().mean() * 1.0001, r.toString());
  }

  @Test
  void aMissingModelIsOneLineNamingIt() {
    String missing = tmp.resolve("nope.onnx").toString();
    InfercostException e =
        assertThrows(
            InfercostException.class,
            () ->
                Concurrency.measure(
                    missing, List.of(), ProfileOptions.builder().optThreads(1).build(), 2, 10));
    assertTrue(e.getMessage().contains("nope.onnx"), e.getMessage());
  }

  @Test
  void rejectsZeroStreams() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Concurrency.measure("x.onnx", List.of(), ProfileOptions.builder().build(), 0, 10));
  }
}
