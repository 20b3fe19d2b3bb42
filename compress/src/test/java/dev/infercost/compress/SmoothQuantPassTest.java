package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.infercost.compress.internal.ActivationRanges;
import dev.infercost.compress.internal.SmoothQuantPass;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SmoothQuantPassTest {
  static final int K = 32;
  static final int N = 16;

  /** Activations with one outlier channel, as transformer LayerNorm outputs have. */
  static float[] activations(int rows, long seed) {
    float[] x = Tiny.random(rows * K, seed, 1f);
    for (int r = 0; r < rows; r++) {
      x[r * K + 3] *= 60;
    }
    return x;
  }

  static List<List<Tensor>> calibration() {
    List<List<Tensor>> batches = new ArrayList<>();
    for (int b = 0; b < 8; b++) {
      batches.add(List.of(Tensor.ofFloats("x", new long[] {8, K}, activations(8, 100 + b))));
    }
    return batches;
  }

  @Test
  void migrationLeavesTheFloatResultUnchanged() throws Exception {
    ModelProto m = Tiny.matmul(K, N, 1);
    var seen = ActivationRanges.observe(m, Set.of("x"), calibration());
    assertEquals(K, seen.channelMax().get("x").length);
    assertTrue(seen.channelMax().get("x")[3] > 20 * seen.channelMax().get("x")[0]);
    var ctx =
        PassContext.builder(NodeFilter.all())
            .optSmoothAlpha(0.5)
            .optActivationMax(seen.channelMax())
            .optActivationSamples(seen.samples())
            .build();
    PassResult r = new SmoothQuantPass().apply(m, ctx);
    assertEquals(1, r.rewritten().size());
    // x is a graph input: the division is a Mul node before the MatMul.
    assertEquals(List.of("Mul", "MatMul", "Add"), Tiny.opTypes(r.model()));
    float[] x = activations(4, 7);
    float[] ref = Tiny.run(m, "x", new long[] {4, K}, x);
    float[] got = Tiny.run(r.model(), "x", new long[] {4, K}, x);
    assertTrue(Tiny.maxAbsDiff(ref, got) < 1e-4 * Tiny.maxAbs(ref), "exact up to float rounding");
  }

  @Test
  void smoothingReducesInt8ErrorOnOutlierActivations() throws Exception {
    ModelProto m = Tiny.matmul(K, N, 2);
    OnnxModel model = OnnxModel.of(m);
    QuantOptions plain = new QuantOptions(NodeFilter.all(), true, false, false, 0);
    QuantOptions smooth =
        new QuantOptions(NodeFilter.all(), true, false, false, PassContext.AUTO_ALPHA);
    ModelProto a = Compressor.quantizeDynamic(model, plain, calibration()).model().proto();
    ModelProto b = Compressor.quantizeDynamic(model, smooth, calibration()).model().proto();
    float[] x = activations(16, 9);
    float[] ref = Tiny.run(m, "x", new long[] {16, K}, x);
    double errPlain = sq(ref, Tiny.run(a, "x", new long[] {16, K}, x));
    double errSmooth = sq(ref, Tiny.run(b, "x", new long[] {16, K}, x));
    assertTrue(errSmooth < 0.5 * errPlain, "smoothed " + errSmooth + " vs plain " + errPlain);
  }

  @Test
  void withoutStatisticsNothingChanges() {
    ModelProto m = Tiny.matmul(K, N, 3);
    var ctx = PassContext.builder(NodeFilter.all()).optSmoothAlpha(0.5).build();
    PassResult r = new SmoothQuantPass().apply(m, ctx);
    assertTrue(r.rewritten().isEmpty());
    assertEquals(List.of("x: no per-channel calibration statistics"), r.skipped());
  }

  private static double sq(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (double) (a[i] - b[i]);
    }
    return s;
  }
}
