package dev.infercost.compress;

import static dev.infercost.compress.Tiny.intAttr;
import static dev.infercost.compress.Tiny.node;
import static dev.infercost.compress.Tiny.random;
import static dev.infercost.compress.Tiny.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.base.Parameter;
import dev.infercost.compress.internal.Initializers;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.SparsityOptions;
import dev.infercost.models.SparsityOptions.Importance;
import dev.infercost.models.SparsityOptions.Scope;
import dev.infercost.models.SparsityReport;
import dev.infercost.models.Tensor;
import dev.infercost.models.TorchScriptModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Compressor#sparsify}: per-layer targets, 2:4 groups, Wanda scores, honest reports. */
class CompressorSparsifyTest {
  @TempDir Path tmp;

  /** x [batch, 8] → MatMul W1 [8, 8] → Relu → Gemm(transB) W2 [4, 8] + c → y. */
  private static OnnxModel mlp() {
    GraphProto g =
        GraphProto.newBuilder()
            .setName("mlp")
            .addInput(value("x", TensorProto.DataType.FLOAT, "batch", 8))
            .addOutput(value("y", TensorProto.DataType.FLOAT, "batch", 4))
            .addInitializer(Initializers.ofFloats("W1", new long[] {8, 8}, random(64, 1, 0.5f)))
            .addInitializer(Initializers.ofFloats("W2", new long[] {4, 8}, random(32, 2, 0.5f)))
            .addInitializer(Initializers.ofFloats("c", new long[] {4}, random(4, 3, 0.1f)))
            .addNode(node("MatMul", "mm", List.of("x", "W1"), List.of("h")))
            .addNode(node("Relu", "relu", List.of("h"), List.of("r")))
            .addNode(
                node("Gemm", "gemm", List.of("r", "W2", "c"), List.of("y"), intAttr("transB", 1)))
            .build();
    return OnnxModel.of(Tiny.model(g));
  }

  /** x [1, 4, 5, 5] → Conv W [6, 4, 3, 3] → y, and a Conv over one channel (not 2:4-able). */
  private static OnnxModel convs() {
    GraphProto g =
        GraphProto.newBuilder()
            .setName("convs")
            .addInput(value("x", TensorProto.DataType.FLOAT, 1, 4, 5, 5))
            .addOutput(value("z", TensorProto.DataType.FLOAT, 1, 2, 1, 1))
            .addInitializer(
                Initializers.ofFloats("W", new long[] {6, 4, 3, 3}, random(216, 4, 0.3f)))
            .addInitializer(
                Initializers.ofFloats("V", new long[] {2, 1, 3, 3}, random(18, 5, 0.3f)))
            .addNode(node("Conv", "conv", List.of("x", "W"), List.of("y")))
            .addNode(node("ReduceMean", "mean", List.of("y"), List.of("m"), Tiny.ints("axes", 1)))
            .addNode(node("Conv", "conv1ch", List.of("m", "V"), List.of("z")))
            .build();
    return OnnxModel.of(Tiny.model(g));
  }

  private static float[] weights(SparsityResult r, String name) {
    return Initializers.floats(Tiny.init(r.compressed().model().proto(), name));
  }

  private static List<List<Tensor>> batches(float[] featureScale, int rows) {
    float[] x = random(rows * featureScale.length, 9, 1f);
    for (int i = 0; i < x.length; i++) {
      x[i] *= featureScale[i % featureScale.length];
    }
    return List.of(List.of(Tensor.ofFloats("x", new long[] {rows, featureScale.length}, x)));
  }

  @Test
  void eachLayerReachesTheTargetAndOnlyValuesChange() throws Exception {
    OnnxModel m = mlp();
    SparsityResult r = Compressor.sparsify(m, SparsityOptions.builder(0.5).build(), List.of());
    SparsityReport rep = r.report();
    assertEquals(List.of("mm", "gemm"), rep.layers().stream().map(l -> l.name()).toList());
    for (SparsityReport.Layer l : rep.layers()) {
      assertEquals(0.5, l.sparsity(), 0.0, l.name());
    }
    assertEquals(32, count0(weights(r, "W1")));
    assertEquals(16, count0(weights(r, "W2")));
    assertEquals(Tiny.opTypes(m.proto()), Tiny.opTypes(r.compressed().model().proto()));
    assertTrue(rep.sparseTensorCoreSpeedup().isEmpty());
    assertTrue(
        r.compressed().passes().get(1).notes().get(0).endsWith("dense kernels are no faster"),
        r.compressed().passes().get(1).notes().toString());
    assertEquals("0.5", r.compressed().options().get("sparsity"));
    assertEquals("canonicalize", r.compressed().passes().get(0).pass());
    assertEquals("sparsity", r.compressed().passes().get(1).pass());
  }

  @Test
  void aSecondRunChangesNothing() throws Exception {
    SparsityOptions o = SparsityOptions.builder(0.5).build();
    SparsityResult once = Compressor.sparsify(mlp(), o, List.of());
    SparsityResult twice = Compressor.sparsify(once.compressed().model(), o, List.of());
    assertArrayEquals(weights(once, "W1"), weights(twice, "W1"), 0f);
    assertArrayEquals(weights(once, "W2"), weights(twice, "W2"), 0f);
  }

  @Test
  void globalScopeReachesTheTargetOverAllLayers() throws Exception {
    SparsityResult r =
        Compressor.sparsify(
            mlp(), SparsityOptions.builder(0.25).optScope(Scope.GLOBAL).build(), List.of());
    assertEquals(24, count0(weights(r, "W1")) + count0(weights(r, "W2")));
    assertEquals(0.25, r.report().sparsity(), 0.0);
  }

  @Test
  void zeroSparsityLeavesOutputsIdentical() throws Exception {
    OnnxModel m = mlp();
    SparsityResult r = Compressor.sparsify(m, SparsityOptions.builder(0).build(), List.of());
    float[] x = random(5 * 8, 7, 1f);
    long[] shape = {5, 8};
    assertArrayEquals(
        Tiny.run(m.proto(), "x", shape, x),
        Tiny.run(r.compressed().model().proto(), "x", shape, x),
        0f);
  }

  @Test
  void twoFourHoldsInEveryGroupAlongTheReductionDimension() throws Exception {
    SparsityResult r = Compressor.sparsify(mlp(), SparsityOptions.twoFour(), List.of());
    float[] w1 = weights(r, "W1"); // [K=8, N=8]: groups run down each column
    for (int n = 0; n < 8; n++) {
      for (int k = 0; k < 8; k += 4) {
        int z = 0;
        for (int q = 0; q < 4; q++) {
          z += w1[(k + q) * 8 + n] == 0 ? 1 : 0;
        }
        assertEquals(2, z, "W1 column " + n + " rows " + k + "..");
      }
    }
    float[] w2 = weights(r, "W2"); // transB: [N=4, K=8], groups run along each row
    for (int g = 0; g < 32; g += 4) {
      assertEquals(2, count0(java.util.Arrays.copyOfRange(w2, g, g + 4)), "W2 group " + g);
    }
    assertEquals("estimated", r.report().sparseTensorCoreSpeedup().orElseThrow().label());
    assertTrue(r.report().sparseTensorCoreSpeedup().get().source().contains("2104.08378"));
  }

  @Test
  void twoFourOnConvRunsAlongInputChannelsAndSkipsWhatItCannot() throws Exception {
    SparsityResult r = Compressor.sparsify(convs(), SparsityOptions.twoFour(), List.of());
    float[] w = weights(r, "W"); // [M=6, C=4, 3, 3]
    for (int m = 0; m < 6; m++) {
      for (int p = 0; p < 9; p++) {
        int z = 0;
        for (int c = 0; c < 4; c++) {
          z += w[(m * 4 + c) * 9 + p] == 0 ? 1 : 0;
        }
        assertEquals(2, z, "output " + m + " position " + p);
      }
    }
    assertEquals(List.of("conv"), r.report().layers().stream().map(l -> l.name()).toList());
    assertEquals(
        List.of("conv1ch: input dimension 1 is not a multiple of 4"), r.report().skipped());
  }

  @Test
  void activationAwareRanksByWeightTimesInputNorm() throws Exception {
    float[] scale = {10, 0.1f, 10, 0.1f, 10, 0.1f, 10, 0.1f};
    List<List<Tensor>> calib = batches(scale, 64);
    SparsityOptions aware =
        SparsityOptions.builder(0.5).optImportance(Importance.ACTIVATION).build();
    SparsityResult a = Compressor.sparsify(mlp(), aware, calib);
    SparsityResult m = Compressor.sparsify(mlp(), SparsityOptions.builder(0.5).build(), calib);
    float[] wa = weights(a, "W1");
    assertNotEquals(java.util.Arrays.toString(wa), java.util.Arrays.toString(weights(m, "W1")));
    assertEquals(1, a.report().calibrationBatches());
    // Oracle: the zeroed weights are the ones with the smallest |w| × ‖x_k‖.
    float[] x = calib.get(0).get(0).toFloats();
    double[] norm = new double[8];
    for (int i = 0; i < x.length; i++) {
      norm[i % 8] += (double) x[i] * x[i];
    }
    float[] w = Initializers.floats(Tiny.init(mlp().proto(), "W1"));
    double maxZeroed = 0;
    double minKept = Double.MAX_VALUE;
    for (int i = 0; i < 64; i++) {
      double s = Math.abs(w[i]) * Math.sqrt(norm[i / 8]); // W1 is [K, N]: row i/8 is feature k
      if (wa[i] == 0) {
        maxZeroed = Math.max(maxZeroed, s);
      } else {
        minKept = Math.min(minKept, s);
      }
    }
    assertTrue(maxZeroed <= minKept * (1 + 1e-5), maxZeroed + " > " + minKept);
  }

  @Test
  void sameInputAndOptionsGiveTheSameBytesTheInputIsUntouchedAndDeflatesSmaller() throws Exception {
    Path input = Models.resolve("digits-mlp", ModelFormat.ONNX);
    byte[] before = Files.readAllBytes(input);
    Path a = tmp.resolve("a.onnx");
    Path b = tmp.resolve("b.onnx");
    SparsityOptions o = SparsityOptions.builder(0.7).build();
    SparsityResult ra = Compressor.sparsify(Models.loadOnnx(input), o, List.of());
    Models.saveOnnx(ra.compressed().model(), a);
    Models.saveOnnx(
        Compressor.sparsify(Models.loadOnnx(input), o, List.of()).compressed().model(), b);
    assertEquals(-1, Files.mismatch(a, b), "byte-identical outputs");
    assertArrayEquals(before, Files.readAllBytes(input), "input unchanged");
    assertEquals(Files.size(a), ra.report().bytes());
    assertTrue(
        ra.report().deflatedAfter() < 0.7 * ra.report().deflatedBefore(),
        ra.report().deflatedAfter() + " vs " + ra.report().deflatedBefore());
  }

  /** The ONNX pass and the TorchScript round trip pick the same zeros on digits-mlp's twins. */
  @Test
  void onnxAndTorchScriptTwinsGetTheSameOutputs() throws Exception {
    SparsityOptions o = SparsityOptions.twoFour();
    OnnxModel onnx = Models.loadOnnx(Models.resolve("digits-mlp", ModelFormat.ONNX));
    ModelProto sparse = Compressor.sparsify(onnx, o, List.of()).compressed().model().proto();
    Path pt = tmp.resolve("mlp.pt");
    Models.sparsifyTorchScript(Models.resolve("digits-mlp", ModelFormat.TORCHSCRIPT), o, pt);
    float[] x = random(3 * 64, 11, 4f);
    float[] expected =
        Tiny.run(sparse, onnx.proto().getGraph().getInput(0).getName(), new long[] {3, 64}, x);
    try (TorchScriptModel m = Models.loadTorchScript(pt, false)) {
      float[] got =
          m.forward(List.of(Tensor.ofFloats("input", new long[] {3, 64}, x))).get(0).toFloats();
      assertArrayEquals(expected, got, 1e-4f, "abs 1e-4 between ONNX Runtime and PyTorch");
    }
  }

  @Test
  void badInputsFailWithOneLine() throws Exception {
    for (double s : new double[] {1.0, -0.1, 1.5, Double.NaN}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> SparsityOptions.builder(s).build(), "" + s);
      assertTrue(e.getMessage().contains("outside [0, 1)"), e.getMessage());
    }
    IllegalArgumentException p =
        assertThrows(IllegalArgumentException.class, () -> SparsityOptions.Pattern.parse("3:4"));
    assertTrue(p.getMessage().contains("unstructured, 2:4"), p.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> SparsityOptions.builder(0.3).optPattern(SparsityOptions.Pattern.TWO_FOUR).build());

    GraphProto g =
        GraphProto.newBuilder()
            .setName("add")
            .addInput(value("x", TensorProto.DataType.FLOAT, 2))
            .addOutput(value("y", TensorProto.DataType.FLOAT, 2))
            .addNode(node("Relu", "relu", List.of("x"), List.of("y")))
            .build();
    CompressException none =
        assertThrows(
            CompressException.class,
            () ->
                Compressor.sparsify(
                    OnnxModel.of(Tiny.model(g)), SparsityOptions.builder(0.5).build(), List.of()));
    assertTrue(none.getMessage().contains("no weight to sparsify"), none.getMessage());
    CompressException calib =
        assertThrows(
            CompressException.class,
            () ->
                Compressor.sparsify(
                    mlp(),
                    SparsityOptions.builder(0.5).optImportance(Importance.ACTIVATION).build(),
                    List.of()));
    assertEquals(Parameter.CALIBRATION_DATA, calib.hint().orElseThrow());
    for (Exception e : List.of(none, calib)) {
      assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
  }

  private static int count0(float[] v) {
    int n = 0;
    for (float f : v) {
      n += f == 0 ? 1 : 0;
    }
    return n;
  }
}
