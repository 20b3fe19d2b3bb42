package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.compress.ChannelPruneOptions;
import dev.infercost.compress.CompressResult;
import dev.infercost.compress.Compressor;
import dev.infercost.models.BuiltinModel;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Tensor;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.Evaluator;
import dev.infercost.profile.TensorFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Channel pruning end to end on {@code digits-cnn}: calibrate on its calibration split, prune,
 * save, and evaluate against the fp32 model on the held-out split with {@link Evaluator}.
 */
class ChannelPruningAccuracyTest {
  @TempDir Path tmp;

  @Test
  void digitsCnnAtTwoRatios() throws Exception {
    BuiltinModel b = Models.builtin("digits-cnn").orElseThrow();
    Path source = Models.resolve("digits-cnn", ModelFormat.ONNX);
    OnnxModel m = Models.loadOnnx(source);
    Tensor calib =
        TensorFiles.read(Models.builtinFile(b, b.calibrationDataResource().orElseThrow()))
            .get("input");
    List<List<Tensor>> batches = batches(calib, 50);
    Path test = Models.builtinFile(b, b.testDataResource().orElseThrow());
    Map<String, long[]> one = Map.of("input", new long[] {1, 1, 8, 8});
    long before = m.info(one).macs();
    // Accuracy bounds: 1 and 4 points below fp32 (0.9711 on 450 images).
    double[][] cases = {{0.2, 0.01}, {0.4, 0.04}};
    for (double[] c : cases) {
      CompressResult r = Compressor.pruneChannels(m, ChannelPruneOptions.of(c[0]), batches);
      Path out = tmp.resolve("digits-cnn-prune-" + c[0] + ".onnx");
      Models.saveOnnx(r.model(), out);
      long after = r.model().info(one).macs();
      EvalReport e =
          Evaluator.evaluate(
              source.toString(), out.toString(), test, java.util.Optional.empty(), 1, s -> {});
      System.out.printf(
          "digits-cnn --prune %.1f: MACs/sample %d -> %d (%.1f%%), accuracy %.4f -> %.4f,"
              + " top-1 agreement %.4f, mean cosine %.5f%n",
          c[0],
          before,
          after,
          100.0 * (before - after) / before,
          e.referenceAccuracy(),
          e.candidateAccuracy(),
          e.top1Agreement(),
          e.meanCosine());
      assertEquals(450, e.samples());
      assertTrue(after <= before * (1 - c[0] * 0.9), after + " MACs");
      assertTrue(e.accuracyDrop() <= c[1], "accuracy drop " + e.accuracyDrop());
    }
  }

  private static List<List<Tensor>> batches(Tensor images, int batch) {
    float[] v = images.toFloats();
    int n = (int) images.shape()[0];
    List<List<Tensor>> out = new ArrayList<>();
    for (int i = 0; i < n; i += batch) {
      int k = Math.min(batch, n - i);
      float[] x = Arrays.copyOfRange(v, i * 64, (i + k) * 64);
      out.add(List.of(Tensor.ofFloats("input", new long[] {k, 1, 8, 8}, x)));
    }
    return out;
  }
}
