package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.infercost.compress.Compressor;
import dev.infercost.compress.NodeFilter;
import dev.infercost.compress.QuantOptions;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.Evaluator;
import dev.infercost.profile.ProfileOptions;
import dev.infercost.profile.ProfileReport;
import dev.infercost.profile.Profiler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's entry points (compress, evaluate, profile) called from 8 threads at once, on the
 * two small built-in models, give what sequential calls give: the same compressed bytes, the same
 * fidelity figures to the last bit, the same profile shape (timings differ by nature). See
 * docs/robustness.md for which types are thread-safe.
 */
class ConcurrentEntryPointsTest {
  private static final int THREADS = 8;

  @TempDir Path tmp;

  /** What one call sequence gives, timings left out. */
  record Outcome(byte[] compressed, EvalReport fidelity, int profiledBatches, List<String> notes) {}

  private Outcome run(String model, Path dir) throws Exception {
    Path file = Models.resolve(model, ModelFormat.ONNX);
    var b = Models.builtin(model).orElseThrow();
    Path data = Models.builtinFile(b, b.testDataResource().orElseThrow());
    var compressed =
        Compressor.quantizeDynamic(
                Models.loadOnnx(file),
                new QuantOptions(NodeFilter.all(), true, true, true, 0),
                List.of())
            .model();
    Path out = dir.resolve(model + ".int8.onnx");
    Models.saveOnnx(compressed, out);
    EvalReport fidelity =
        Evaluator.evaluate(file.toString(), out.toString(), data, Optional.empty(), 1, p -> {});
    ProfileReport profile =
        Profiler.profile(
            model,
            ProfileOptions.builder()
                .optThreads(1)
                .optWarmup(1, 0)
                .optSampling(5, 5, 1_000)
                .optBatches(List.of(1, 4))
                .build(),
            p -> {});
    return new Outcome(
        compressed.proto().toByteArray(), fidelity, profile.results().size(), profile.notes());
  }

  @Test
  void eightThreadsAtOnceGiveTheSequentialResults() throws Exception {
    List<String> models = List.of("digits-mlp", "digits-cnn");
    List<Outcome> sequential = new ArrayList<>();
    for (String m : models) {
      sequential.add(run(m, java.nio.file.Files.createDirectories(tmp.resolve("seq-" + m))));
    }
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<Outcome>> futures = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        String m = models.get(i % models.size());
        Path dir = java.nio.file.Files.createDirectories(tmp.resolve("t" + i));
        futures.add(pool.submit(() -> run(m, dir)));
      }
      for (int i = 0; i < THREADS; i++) {
        Outcome want = sequential.get(i % models.size());
        Outcome got = futures.get(i).get();
        String what = "thread " + i + " (" + models.get(i % models.size()) + ")";
        assertArrayEquals(want.compressed(), got.compressed(), what + ": compressed bytes");
        assertEquals(want.fidelity(), got.fidelity(), what + ": fidelity");
        assertEquals(want.profiledBatches(), got.profiledBatches(), what + ": profiled batches");
        assertEquals(want.notes(), got.notes(), what + ": profile notes");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
