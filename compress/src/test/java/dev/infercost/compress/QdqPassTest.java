package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.base.Parameter;
import dev.infercost.compress.internal.Initializers;
import dev.infercost.compress.internal.OpsetUpgrade;
import dev.infercost.compress.internal.QdqPass;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QdqPassTest {
  private static final PassContext PLAIN = PassContext.of(NodeFilter.all());

  /** A context whose calibration saw |x| up to {@code max} in {@code x}. */
  private static PassContext calibrated(float max) {
    return PassContext.builder(NodeFilter.all())
        .optActivationMax(Map.of("x", new float[] {max}))
        .build();
  }

  @Test
  void matMulGetsTheQdqPatternWithPerChannelWeights() throws Exception {
    ModelProto m = Tiny.matmul(64, 32, 1);
    PassResult r = new QdqPass().apply(m, calibrated(4f));
    assertEquals(List.of("mm"), r.rewritten());
    assertEquals(
        List.of("QuantizeLinear", "DequantizeLinear", "DequantizeLinear", "MatMul", "Add"),
        Tiny.opTypes(r.model()));
    NodeProto weightDq = r.model().getGraph().getNode(2);
    assertEquals(1, weightDq.getAttribute(0).getI(), "axis 1: one scale per output column");
    TensorProto wq = Tiny.initializer(r.model(), weightDq.getInput(0));
    assertEquals(TensorProto.DataType.INT8_VALUE, wq.getDataType());
    assertEquals(32, Tiny.initializer(r.model(), weightDq.getInput(1)).getDims(0));
    TensorProto xScale = Tiny.initializer(r.model(), r.model().getGraph().getNode(0).getInput(1));
    assertEquals(4f / 127, Initializers.floats(xScale)[0], 1e-9f);

    // ONNX Runtime computes what int8 arithmetic gives: close to float inside the range.
    float[] x = Tiny.random(4 * 64, 7, 1f);
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.max(-4f, Math.min(4f, x[i]));
    }
    float[] ref = Tiny.run(m, "x", new long[] {4, 64}, x);
    float[] got = Tiny.run(r.model(), "x", new long[] {4, 64}, x);
    double err = Tiny.maxAbsDiff(ref, got);
    assertTrue(err > 0, "quantized, so not bit-exact");
    assertTrue(err < 0.03 * Tiny.maxAbs(ref), "error " + err);
  }

  @Test
  void clippingRangeComesFromTheSamplesWhenThatLowersTheError() throws Exception {
    // Many small values and one outlier: a clip below the outlier quantizes the rest finer.
    float[] batch = Tiny.random(100_000, 3, 0.1f);
    batch[0] = 10f;
    PassContext ctx =
        PassContext.builder(NodeFilter.all())
            .optActivationMax(Map.of("x", new float[] {10f}))
            .optActivationSamples(Map.of("x", List.of(batch)))
            .build();
    ModelProto q = new QdqPass().apply(Tiny.matmul(8, 4, 2), ctx).model();
    float scale = Initializers.floats(Tiny.initializer(q, q.getGraph().getNode(0).getInput(1)))[0];
    assertTrue(scale < 10f / 127, "clipped below the outlier: scale " + scale);
    // Without samples the range is the calibrated maximum.
    ModelProto plain = new QdqPass().apply(Tiny.matmul(8, 4, 2), calibrated(10f)).model();
    assertEquals(
        10f / 127,
        Initializers.floats(Tiny.initializer(plain, plain.getGraph().getNode(0).getInput(1)))[0],
        1e-9f);
  }

  @Test
  void skipsWhatItHasNoRangeForAndIsIdempotent() throws Exception {
    PassResult r = new QdqPass().apply(Tiny.matmul(8, 4, 3), PLAIN);
    assertEquals(List.of(), r.rewritten());
    assertTrue(r.skipped().get(0).contains("no calibrated range"), r.skipped().toString());
    ModelProto once = new QdqPass().apply(Tiny.matmul(8, 4, 3), calibrated(1f)).model();
    assertEquals(once, new QdqPass().apply(once, calibrated(1f)).model());
  }

  @Test
  void opset11IsUpgradedAndComputesTheSame() throws Exception {
    // x [2, 3, 4] → Unsqueeze(axes=[0]) → Softmax(axis=2) on rank 4 → Squeeze → MatMul W.
    // Softmax-11 normalizes over the flattened dims from the axis on, Softmax-13 over the axis
    // alone: the upgrade must keep the opset-11 meaning.
    GraphProto g =
        GraphProto.newBuilder()
            .setName("old")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, 2, 3, 4))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, 2, 3, 5))
            .addInitializer(Initializers.ofFloats("W", new long[] {4, 5}, Tiny.random(20, 1, 1f)))
            .addNode(Tiny.node("Unsqueeze", "u", List.of("x"), List.of("x4"), ints("axes", 0)))
            .addNode(
                Tiny.node("Softmax", "sm", List.of("x4"), List.of("s4"), Tiny.intAttr("axis", 2)))
            .addNode(Tiny.node("Squeeze", "sq", List.of("s4"), List.of("s"), ints("axes", 0)))
            .addNode(Tiny.node("MatMul", "mm", List.of("s", "W"), List.of("y")))
            .build();
    ModelProto old = opset(Tiny.model(g), 11);
    OpsetUpgrade.Outcome up = OpsetUpgrade.to13(old);
    assertEquals(13, OpsetUpgrade.opset(up.model()));
    float[] x = Tiny.random(24, 5, 2f);
    assertArrayEquals(
        Tiny.run(old, "x", new long[] {2, 3, 4}, x),
        Tiny.run(up.model(), "x", new long[] {2, 3, 4}, x),
        1e-6f);
    // The pass upgrades by itself, for the per-channel axis.
    PassContext ctx =
        PassContext.builder(NodeFilter.all())
            .optActivationMax(Map.of("s", new float[] {1f}))
            .build();
    PassResult r = new QdqPass().apply(old, ctx);
    assertEquals(13, OpsetUpgrade.opset(r.model()));
    assertEquals(
        List.of("opset 11 -> 13 (1 Softmax, 1 Squeeze, 1 Unsqueeze)", "mm"), r.rewritten());
    assertTrue(r.skipped().isEmpty(), r.skipped().toString());
  }

  @Test
  void softmaxOverTheLastAxisStaysOneNodeWhenTheRankIsKnown() throws Exception {
    GraphProto g =
        GraphProto.newBuilder()
            .setName("sm")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, 2, 3, 4))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, 2, 3, 4))
            .addNode(
                Tiny.node("Softmax", "sm", List.of("x"), List.of("y"), Tiny.intAttr("axis", 2)))
            .build();
    ModelProto old = opset(Tiny.model(g), 11);
    var up = OpsetUpgrade.to13(old, v -> v.equals("x") ? new long[] {2, 3, 4} : null);
    assertEquals(List.of("Softmax"), Tiny.opTypes(up.model()));
    assertEquals(-1, up.model().getGraph().getNode(0).getAttribute(0).getI());
    float[] x = Tiny.random(24, 9, 3f);
    assertArrayEquals(
        Tiny.run(old, "x", new long[] {2, 3, 4}, x),
        Tiny.run(up.model(), "x", new long[] {2, 3, 4}, x),
        1e-6f);
    // Without the rank the same node is wrapped, and still computes the same.
    var wrapped = OpsetUpgrade.to13(old);
    assertEquals(List.of("Flatten", "Softmax", "Shape", "Reshape"), Tiny.opTypes(wrapped.model()));
    assertArrayEquals(
        Tiny.run(old, "x", new long[] {2, 3, 4}, x),
        Tiny.run(wrapped.model(), "x", new long[] {2, 3, 4}, x),
        1e-6f);
  }

  @Test
  void opset10IsUpgradedUnlessARewriteIsNotWellDefined() throws Exception {
    PassResult up = new QdqPass().apply(opset(Tiny.matmul(8, 4, 4), 10), calibrated(1f));
    assertEquals(13, OpsetUpgrade.opset(up.model()));
    assertTrue(up.rewritten().get(0).startsWith("opset 10 -> 13"), up.rewritten().toString());
    // Nearest Resize-10 shrinking one axis and growing another has no opset 13 form: per tensor.
    ModelProto m = Tiny.matmul(8, 4, 4);
    GraphProto.Builder g = m.getGraph().toBuilder();
    g.addInitializer(Initializers.ofFloats("scales", new long[] {2}, new float[] {0.5f, 2}));
    g.addNode(Tiny.node("Resize", "rs", List.of("y", "scales"), List.of("z")));
    g.setOutput(0, Tiny.value("z", TensorProto.DataType.FLOAT, "batch", 8));
    ModelProto old = opset(m.toBuilder().setGraph(g).build(), 10);
    PassResult r = new QdqPass().apply(old, calibrated(1f));
    assertEquals(10, OpsetUpgrade.opset(r.model()));
    assertTrue(r.skipped().get(0).contains("node rs: Resize"), r.skipped().toString());
    assertTrue(r.skipped().get(0).contains("one scale per weight tensor"), r.skipped().toString());
    NodeProto weightDq = r.model().getGraph().getNode(2);
    assertEquals(0, weightDq.getAttributeCount(), "no axis attribute before opset 13");
    // QuantizeLinear itself came with opset 10.
    CompressException e =
        assertThrows(
            CompressException.class,
            () -> new QdqPass().apply(opset(Tiny.matmul(8, 4, 4), 9), calibrated(1f)));
    assertTrue(e.getMessage().contains("opset 9"), e.getMessage());
  }

  @Test
  void digitsCnnConvAndGemmKeepTheirAccuracy() throws Exception {
    OnnxModel m = Models.loadOnnx(Models.resolve("digits-cnn", ModelFormat.ONNX));
    CompressResult r =
        Compressor.quantizeStatic(
            m, QuantOptions.defaults(), BuiltinFidelity.digitsCalibration(32));
    assertEquals(
        List.of("canonicalize", "int8-qdq"), r.passes().stream().map(PassSummary::pass).toList());
    BuiltinFidelity.Digits d = BuiltinFidelity.digits(m.proto(), r.model().proto(), false);
    assertTrue(d.accuracy() >= d.accuracyRef() - 0.01, d.toString());
  }

  @Test
  void staticQuantizationNeedsCalibrationData() throws Exception {
    OnnxModel m = Models.loadOnnx(Models.resolve("digits-mlp", ModelFormat.ONNX));
    CompressException e =
        assertThrows(
            CompressException.class,
            () -> Compressor.quantizeStatic(m, QuantOptions.defaults(), List.of()));
    assertTrue(e.getMessage().contains("calibration data"), e.getMessage());
    assertEquals(Optional.of(Parameter.CALIBRATION_DATA), e.hint());
  }

  private static ModelProto opset(ModelProto m, long version) {
    return m.toBuilder()
        .clearOpsetImport()
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(version))
        .build();
  }

  private static ai.onnx.proto.OnnxMl.AttributeProto ints(String name, long... v) {
    var b =
        ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
            .setName(name)
            .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INTS);
    for (long x : v) {
      b.addInts(x);
    }
    return b.build();
  }
}
