package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Profiling on CUDA; runs with {@code ./mvnw -Pcuda} and skips where there is no provider. */
@Tag("gpu")
class ProfilerGpuTest {
  @Test
  void digitsCnnOnCuda() throws Exception {
    assumeTrue(Profiler.cudaAvailable(), "no CUDA execution provider in this build");
    ProfileReport rep =
        Profiler.profile(
            "digits-cnn",
            ProfilerTest.quick().optCuda(true).optBatches(List.of(1, 8)).build(),
            p -> {});
    assertEquals("cuda", rep.device());
    assertEquals(2, rep.results().size());
    assertEquals(Map.of("input", List.of(8L, 1L, 8L, 8L)), rep.results().get(1).inputShapes());
    for (BatchResult r : rep.results()) {
      assertTrue(r.latency().samples() >= 10);
      assertTrue(r.latency().p50() > 0);
      assertTrue(r.latency().ciLow() <= r.latency().p50());
      assertTrue(r.latency().p50() <= r.latency().ciHigh());
    }
  }
}
