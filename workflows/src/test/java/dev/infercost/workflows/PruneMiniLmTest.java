package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.compress.CompressResult;
import dev.infercost.compress.Compressor;
import dev.infercost.compress.PassSummary;
import dev.infercost.compress.PruneOptions;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.Evaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structured pruning of the built-in MiniLM end to end: its bundled calibration sentences, the
 * held-out sentences for fidelity (profile's {@link Evaluator}, which compress may not use).
 */
class PruneMiniLmTest {
  @TempDir Path tmp;

  @Test
  @Tag("slow")
  void prunesAThirdOfTheMacsAndStaysCloseToFp32() throws Exception {
    ModelRef ref = ModelRef.resolve("minilm-l6");
    DataPlan data = DataPlan.of(ref, Optional.empty(), Optional.empty(), 200);
    OnnxModel model = Models.loadOnnx(ref.file());
    double ratio = Double.parseDouble(System.getProperty("prune.ratio", "0.3"));
    long t0 = System.nanoTime();
    CompressResult r = Compressor.prune(model, PruneOptions.of(ratio), data.calibration());
    double seconds = (System.nanoTime() - t0) / 1e9;
    Path out = tmp.resolve("pruned.onnx");
    Models.saveOnnx(r.model(), out);
    EvalReport e =
        Evaluator.evaluate(
            ref.file().toString(), out.toString(), data.evaluation().orElseThrow(), 2, s -> {});
    PassSummary prune = r.passes().get(r.passes().size() - 1);
    prune.notes().forEach(System.err::println);
    Map<String, long[]> shapes =
        Map.of(
            "input_ids", new long[] {1, 128},
            "attention_mask", new long[] {1, 128},
            "token_type_ids", new long[] {1, 128});
    long before = model.info(shapes).macs();
    long after = r.model().info(shapes).macs();
    System.err.printf(
        "minilm-l6 prune %.2f: MACs (1x128) %d -> %d (%.1f%%), bytes %d -> %d, mean cosine %.5f,"
            + " min %.5f, nn agreement %s over %d sentences, %d calibration batches, %.1f s%n",
        ratio,
        before,
        after,
        100.0 * (before - after) / before,
        model.proto().getSerializedSize(),
        Files.size(out),
        e.meanCosine(),
        e.minCosine(),
        e.nnAgreement(),
        e.samples(),
        data.calibration().size(),
        seconds);
    assertTrue(after < before * (1 - ratio * 0.8), "MACs shrink");
    assertTrue(e.meanCosine() > 0.95, "mean cosine " + e.meanCosine());
    assertEquals("prune-encoder", prune.pass());
  }
}
