package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.internal.AffineFoldPass;
import dev.infercost.compress.internal.Initializers;
import dev.infercost.compress.internal.Ops;
import dev.infercost.models.DType;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Static int8 for CPUs: the QDQ layout, ONNX Runtime's fusion of it, fidelity, BN folding. */
class CpuQdqPassTest {
  private static final long[] SHAPE = {2, 3, 8, 8};

  @TempDir Path tmp;

  /**
   * x → Conv → BatchNormalization → Relu → MaxPool → Conv → Relu → Add(·, pool) → GlobalAveragePool
   * → Flatten → Gemm(transB) → y: the shape of a small CNN.
   */
  static ModelProto cnn() {
    GraphProto g =
        GraphProto.newBuilder()
            .setName("cnn")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "n", 3, 8, 8))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "n", 10))
            .addInitializer(floats("W1", Tiny.random(8 * 27, 1, 0.3f), 8, 3, 3, 3))
            .addInitializer(floats("B1", Tiny.random(8, 2, 0.1f), 8))
            .addInitializer(floats("gamma", Tiny.positive(8, 3), 8))
            .addInitializer(floats("beta", Tiny.random(8, 4, 0.2f), 8))
            .addInitializer(floats("mean", Tiny.random(8, 5, 0.2f), 8))
            .addInitializer(floats("var", Tiny.positive(8, 6), 8))
            .addInitializer(floats("W2", Tiny.random(8 * 72, 7, 0.15f), 8, 8, 3, 3))
            .addInitializer(floats("B2", Tiny.random(8, 8, 0.1f), 8))
            .addInitializer(floats("W3", Tiny.random(80, 9, 0.5f), 10, 8))
            .addInitializer(floats("B3", Tiny.random(10, 10, 0.1f), 10))
            .addNode(
                Tiny.node(
                    "Conv", "conv1", List.of("x", "W1", "B1"), List.of("c1"), ints("pads", 1)))
            .addNode(
                Tiny.node(
                    "BatchNormalization",
                    "bn1",
                    List.of("c1", "gamma", "beta", "mean", "var"),
                    List.of("b1")))
            .addNode(Tiny.node("Relu", "relu1", List.of("b1"), List.of("r1")))
            .addNode(
                Tiny.node(
                    "MaxPool",
                    "pool",
                    List.of("r1"),
                    List.of("p1"),
                    ints("kernel_shape", 2, 2),
                    ints("strides", 2, 2)))
            .addNode(
                Tiny.node(
                    "Conv", "conv2", List.of("p1", "W2", "B2"), List.of("c2"), ints("pads", 1)))
            .addNode(Tiny.node("Relu", "relu2", List.of("c2"), List.of("r2")))
            .addNode(Tiny.node("Add", "add", List.of("r2", "p1"), List.of("a")))
            .addNode(Tiny.node("GlobalAveragePool", "gap", List.of("a"), List.of("g")))
            .addNode(Tiny.node("Flatten", "flatten", List.of("g"), List.of("f")))
            .addNode(
                Tiny.node(
                    "Gemm",
                    "fc",
                    List.of("f", "W3", "B3"),
                    List.of("y"),
                    Tiny.intAttr("transB", 1)))
            .build();
    return Tiny.model(g);
  }

  static List<List<Tensor>> batches(int n, long seed) {
    List<List<Tensor>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(List.of(Tensor.ofFloats("x", SHAPE, Tiny.random(2 * 3 * 64, seed + i, 1f))));
    }
    return out;
  }

  /** {@code fp32} in int8-static with the default options, calibrated on 4 batches from seed. */
  private static ModelProto staticDefaults(ModelProto fp32, long seed) throws Exception {
    OnnxModel m = OnnxModel.of(fp32);
    CalibrationStats stats = Compressor.calibrate(m, batches(4, seed));
    return Compressor.quantizeStaticCpu(m, StaticOptions.defaults(), stats).model().proto();
  }

  @Test
  void onnxRuntimeFusesTheCnnIntoIntegerKernels() throws Exception {
    OnnxModel m = OnnxModel.of(cnn());
    CalibrationStats stats = Compressor.calibrate(m, batches(8, 100));
    CompressResult r = Compressor.quantizeStaticCpu(m, StaticOptions.defaults(), stats);
    Map<String, Integer> ops = optimizedOps(r.model().proto());
    assertEquals(2, ops.getOrDefault("QLinearConv", 0), "ops: " + ops);
    assertEquals(1, ops.getOrDefault("QLinearAdd", 0), "ops: " + ops);
    assertEquals(1, ops.getOrDefault("QLinearGlobalAveragePool", 0), "ops: " + ops);
    assertEquals(1, ops.getOrDefault("QGemm", 0), "ops: " + ops);
    for (String floatOp : List.of("Conv", "Relu", "BatchNormalization", "Gemm", "Add")) {
      assertFalse(ops.containsKey(floatOp), floatOp + " left in float: " + ops);
    }
    // MaxPool and Flatten run on uint8: only the graph input's Q is left, no DQ before the Gemm.
    assertEquals(1, ops.getOrDefault("QuantizeLinear", 0), "ops: " + ops);
    assertFalse(ops.containsKey("DequantizeLinear"), "ops: " + ops);
    assertEquals(
        List.of(
            "canonicalize",
            "fold-affine",
            "int8-static",
            "fold-dq-scale",
            "fold-dq-shift",
            "fold-dq-clip",
            "fold-dq-move",
            "int8-dynamic-attention",
            "int8-dynamic-lstm",
            "int8-gather-weights"),
        r.passes().stream().map(PassSummary::pass).toList());
    assertEquals(
        List.of("conv1", "pool", "conv2", "add", "gap", "flatten", "fc"),
        r.passes().get(2).rewritten());
  }

  @Test
  void outputsStayCloseToFloat() throws Exception {
    ModelProto fp32 = cnn();
    OnnxModel m = OnnxModel.of(fp32);
    CalibrationStats stats = Compressor.calibrate(m, batches(16, 200));
    for (boolean reduced : List.of(false, true)) {
      ModelProto q =
          Compressor.quantizeStaticCpu(
                  m,
                  StaticOptions.builder()
                      .optMethod(CalibrationMethod.MIN_MAX)
                      .optReducedRange(reduced)
                      .build(),
                  stats)
              .model()
              .proto();
      float[] x = Tiny.random(2 * 3 * 64, 999, 1f);
      float[] ref = Tiny.run(fp32, "x", SHAPE, x);
      float[] got = Tiny.run(q, "x", SHAPE, x);
      double err = Tiny.maxAbsDiff(ref, got);
      // uint8 activations and int8 (7-bit) weights over five quantized layers: within 5% (8%)
      // of the largest logit, and quantized, so not bit-exact.
      double bound = (reduced ? 0.08 : 0.05) * Tiny.maxAbs(ref);
      assertTrue(err > 0 && err < bound, "reduced " + reduced + ": error " + err + " > " + bound);
    }
  }

  /**
   * Quantizing a static int8 model again changes nothing: its stored int8 weights stay (folded into
   * float they would be quantized a second time) and the ops between its DequantizeLinear and
   * QuantizeLinear nodes are left alone (quantized again, BlazeFace's Add got a QLinearAdd with a
   * per-channel scale that ONNX Runtime refused to load).
   */
  @Test
  void aStaticInt8ModelIsNotQuantizedAgain() throws Exception {
    OnnxModel m = OnnxModel.of(cnn());
    OnnxModel q =
        Compressor.quantizeStaticCpu(
                m, StaticOptions.defaults(), Compressor.calibrate(m, batches(8, 100)))
            .model();
    CompressResult again =
        Compressor.quantizeStaticCpu(
            q, StaticOptions.defaults(), Compressor.calibrate(q, batches(8, 100)));
    PassSummary pass = again.passes().get(2);
    assertEquals("int8-static", pass.pass());
    assertEquals(List.of(), pass.rewritten());
    assertTrue(
        pass.skipped().stream().anyMatch(s -> s.startsWith("add: already in QDQ form")),
        pass.skipped().toString());
    float[] x = Tiny.random(2 * 3 * 64, 999, 1f);
    assertArrayEquals(
        Tiny.run(q.proto(), "x", SHAPE, x), Tiny.run(again.model().proto(), "x", SHAPE, x), 0f);
  }

  /**
   * A float model that dequantizes its uint8 image input (no QuantizeLinear anywhere) is not in QDQ
   * form: its Convs are quantized like any other.
   */
  @Test
  void aDequantizedUint8InputIsNotQdqForm() throws Exception {
    GraphProto g =
        GraphProto.newBuilder()
            .setName("pixels")
            .addInput(Tiny.value("px", TensorProto.DataType.UINT8, "n", 3, 8, 8))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "n", 8, 8, 8))
            .addInitializer(floats("s", new float[] {1f / 255}))
            .addInitializer(
                Initializers.ofBytes("z", TensorProto.DataType.UINT8, new long[] {}, new byte[1]))
            .addInitializer(floats("W1", Tiny.random(8 * 27, 1, 0.3f), 8, 3, 3, 3))
            .addInitializer(floats("W2", Tiny.random(8 * 72, 2, 0.15f), 8, 8, 3, 3))
            .addNode(Tiny.node("DequantizeLinear", "dq", List.of("px", "s", "z"), List.of("x")))
            .addNode(Tiny.node("Conv", "conv1", List.of("x", "W1"), List.of("c1"), ints("pads", 1)))
            .addNode(Tiny.node("Relu", "relu", List.of("c1"), List.of("r1")))
            .addNode(
                Tiny.node("Conv", "conv2", List.of("r1", "W2"), List.of("c2"), ints("pads", 1)))
            .addNode(Tiny.node("Relu", "relu2", List.of("c2"), List.of("y")))
            .build();
    OnnxModel m = OnnxModel.of(Tiny.model(g));
    List<List<Tensor>> batches = new ArrayList<>();
    Random r = new Random(5);
    for (int i = 0; i < 4; i++) {
      byte[] px = new byte[2 * 3 * 64];
      r.nextBytes(px);
      batches.add(
          List.of(Tensor.of("px", DType.UINT8, new long[] {2, 3, 8, 8}, ByteBuffer.wrap(px))));
    }
    CompressResult q =
        Compressor.quantizeStaticCpu(m, StaticOptions.defaults(), Compressor.calibrate(m, batches));
    assertEquals(List.of("conv1", "conv2"), q.passes().get(2).rewritten());
  }

  @Test
  void batchNormFoldingIsExact() throws Exception {
    ModelProto m = cnn();
    PassResult r = new AffineFoldPass().apply(m, PassContext.of(NodeFilter.all()));
    assertEquals(List.of("conv1+bn1"), r.rewritten());
    assertFalse(Tiny.opTypes(r.model()).contains("BatchNormalization"));
    assertEquals("b1", r.model().getGraph().getNode(0).getOutput(0), "the Conv writes bn's output");
    float[] x = Tiny.random(2 * 3 * 64, 17, 1f);
    float[] ref = Tiny.run(m, "x", SHAPE, x);
    float[] got = Tiny.run(r.model(), "x", SHAPE, x);
    // Float rounding only: W·k and (b − mean)·k + β in one product each.
    assertArrayEquals(ref, got, 1e-5f * (float) Tiny.maxAbs(ref));
  }

  /**
   * x → Conv(conv1) → Mul(scalar [1], first operand) → Add([1, 8, 1, 1]) → Relu → Conv(conv2) →
   * Mul([1, 1, 1, 8]: along the width, not per channel) → y: PP-LCNet's affine blocks and a
   * parameter that must not fold.
   */
  static ModelProto affineCnn() {
    GraphProto g =
        GraphProto.newBuilder()
            .setName("affine")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "n", 3, 8, 8))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "n", 8, 8, 8))
            .addInitializer(floats("W1", Tiny.random(8 * 27, 1, 0.3f), 8, 3, 3, 3))
            .addInitializer(floats("scale", new float[] {1.7f}, 1))
            .addInitializer(floats("shift", Tiny.random(8, 4, 0.5f), 1, 8, 1, 1))
            .addInitializer(floats("W2", Tiny.random(8 * 72, 7, 0.15f), 8, 8, 3, 3))
            .addInitializer(floats("B2", Tiny.random(8, 8, 0.1f), 8))
            .addInitializer(floats("across", Tiny.positive(8, 9), 1, 1, 1, 8))
            .addNode(Tiny.node("Conv", "conv1", List.of("x", "W1"), List.of("c1"), ints("pads", 1)))
            .addNode(Tiny.node("Mul", "scale1", List.of("scale", "c1"), List.of("m1")))
            .addNode(Tiny.node("Add", "shift1", List.of("m1", "shift"), List.of("a1")))
            .addNode(Tiny.node("Relu", "relu1", List.of("a1"), List.of("r1")))
            .addNode(
                Tiny.node(
                    "Conv", "conv2", List.of("r1", "W2", "B2"), List.of("c2"), ints("pads", 1)))
            .addNode(Tiny.node("Mul", "width", List.of("c2", "across"), List.of("y")))
            .build();
    return Tiny.model(g);
  }

  @Test
  void affineOpsAfterAConvFoldIntoItExactlySoItRunsInt8() throws Exception {
    ModelProto m = affineCnn();
    PassResult r = new AffineFoldPass().apply(m, PassContext.of(NodeFilter.all()));
    assertEquals(List.of("conv1+scale1+shift1"), r.rewritten(), "the width Mul does not fold");
    assertEquals(List.of("Conv", "Relu", "Conv", "Mul"), Tiny.opTypes(r.model()));
    assertEquals("a1", r.model().getGraph().getNode(0).getOutput(0));
    float[] x = Tiny.random(2 * 3 * 64, 17, 1f);
    float[] ref = Tiny.run(m, "x", SHAPE, x);
    assertArrayEquals(ref, Tiny.run(r.model(), "x", SHAPE, x), 1e-5f * (float) Tiny.maxAbs(ref));
    // Unfolded, conv1's output would be read only by the float Mul, so it would stay float.
    OnnxModel om = OnnxModel.of(m);
    CalibrationStats stats = Compressor.calibrate(om, batches(4, 50));
    CompressResult q = Compressor.quantizeStaticCpu(om, StaticOptions.defaults(), stats);
    Map<String, Integer> ops = optimizedOps(q.model().proto());
    assertEquals(1, ops.getOrDefault("QLinearConv", 0), "ops: " + ops);
  }

  /** x → Conv(conv1) → Relu → ConvTranspose(up, 8 → 4 channels, 2×) → y: a DB head. */
  static ModelProto upsamplingHead() {
    GraphProto g =
        GraphProto.newBuilder()
            .setName("head")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "n", 3, 8, 8))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "n", 4, 16, 16))
            .addInitializer(floats("W1", Tiny.random(8 * 27, 1, 0.3f), 8, 3, 3, 3))
            .addInitializer(floats("B1", Tiny.random(8, 2, 0.1f), 8))
            .addInitializer(floats("Wt", Tiny.random(8 * 4 * 4, 3, 0.4f), 8, 4, 2, 2))
            .addNode(
                Tiny.node(
                    "Conv", "conv1", List.of("x", "W1", "B1"), List.of("c1"), ints("pads", 1)))
            .addNode(Tiny.node("Relu", "relu1", List.of("c1"), List.of("r1")))
            .addNode(
                Tiny.node(
                    "ConvTranspose",
                    "up",
                    List.of("r1", "Wt"),
                    List.of("y"),
                    ints("strides", 2, 2),
                    ints("kernel_shape", 2, 2)))
            .build();
    return Tiny.model(g);
  }

  /**
   * ONNX Runtime has no integer ConvTranspose on CPU: it reads the Conv's uint8 output through a
   * DequantizeLinear with its weight int8 per output channel (axis 1), so the Conv before it runs
   * as QLinearConv instead of in float.
   */
  @Test
  void aConvBeforeAConvTransposeRunsInInt8() throws Exception {
    ModelProto fp32 = upsamplingHead();
    ModelProto q = staticDefaults(fp32, 80);
    Map<String, Integer> ops = optimizedOps(q);
    assertEquals(1, ops.getOrDefault("QLinearConv", 0), "ops: " + ops);
    assertEquals(1, ops.getOrDefault("ConvTranspose", 0), "ops: " + ops);
    NodeProto wDq = producer(q, node(q, "up").getInput(1));
    assertEquals("DequantizeLinear", wDq.getOpType());
    assertEquals(1, Ops.intAttr(wDq, "axis", 1));
    assertEquals(4, Initializers.floats(Tiny.initializer(q, wDq.getInput(1))).length);
    float[] x = Tiny.random(2 * 3 * 64, 999, 1f);
    float[] ref = Tiny.run(fp32, "x", SHAPE, x);
    double err = Tiny.maxAbsDiff(ref, Tiny.run(q, "x", SHAPE, x));
    assertTrue(err < 0.05 * Tiny.maxAbs(ref), "error " + err);
  }

  /**
   * x → Conv → Relu → depthwise Conv(dw) → Transpose to channels-last → LayerNormalization → MatMul
   * → y: ConvNeXt's block (opset 17).
   */
  static ModelProto convNextBlock() {
    GraphProto g =
        GraphProto.newBuilder()
            .setName("convnext")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "n", 3, 8, 8))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "n", 8, 8, 4))
            .addInitializer(floats("W1", Tiny.random(8 * 27, 1, 0.3f), 8, 3, 3, 3))
            .addInitializer(floats("Wd", Tiny.random(8 * 9, 2, 0.4f), 8, 1, 3, 3))
            .addInitializer(floats("gamma", Tiny.positive(8, 3), 8))
            .addInitializer(floats("beta", Tiny.random(8, 4, 0.1f), 8))
            .addInitializer(floats("Wm", Tiny.random(8 * 4, 5, 0.4f), 8, 4))
            .addNode(Tiny.node("Conv", "conv1", List.of("x", "W1"), List.of("c1"), ints("pads", 1)))
            .addNode(Tiny.node("Relu", "relu1", List.of("c1"), List.of("r1")))
            .addNode(
                Tiny.node(
                    "Conv",
                    "dw",
                    List.of("r1", "Wd"),
                    List.of("d"),
                    ints("pads", 1),
                    Tiny.intAttr("group", 8)))
            .addNode(
                Tiny.node(
                    "Transpose", "perm", List.of("d"), List.of("t"), ints("perm", 0, 2, 3, 1)))
            .addNode(
                Tiny.node(
                    "LayerNormalization", "norm", List.of("t", "gamma", "beta"), List.of("ln")))
            .addNode(Tiny.node("MatMul", "mm", List.of("ln", "Wm"), List.of("y")))
            .build();
    return Tiny.model(g, 17);
  }

  /**
   * The depthwise Conv's only reader is a float Transpose, but an int8 MatMul reads the tensor two
   * float ops later: the Conv is inside the network, not a head, so it keeps its Q and runs as
   * QLinearConv. Without the Q it ran on its dequantized input and weights in float, which made
   * ConvNeXt-tiny's int8-static model slower than float.
   */
  @Test
  void aConvBeforeFloatOpsThatLeadToInt8RunsInInt8() throws Exception {
    ModelProto fp32 = convNextBlock();
    ModelProto q = staticDefaults(fp32, 90);
    Map<String, Integer> ops = optimizedOps(q);
    assertEquals(2, ops.getOrDefault("QLinearConv", 0), "ops: " + ops);
    assertEquals(0, ops.getOrDefault("Conv", 0), "ops: " + ops);
    float[] x = Tiny.random(2 * 3 * 64, 998, 1f);
    float[] ref = Tiny.run(fp32, "x", SHAPE, x);
    assertTrue(Tiny.cosine(ref, Tiny.run(q, "x", SHAPE, x)) > 0.99);
  }

  /**
   * x [n, 8, 16] → MatMul W1 → Add(x, ·) → LayerNormalization → MatMul W2 → y: a post-LN
   * transformer's residual sum before its normalization.
   */
  static ModelProto residualBeforeNorm() {
    GraphProto g =
        GraphProto.newBuilder()
            .setName("post-ln")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "n", 8, 16))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "n", 8, 16))
            .addInitializer(floats("W1", Tiny.random(256, 11, 0.3f), 16, 16))
            .addInitializer(floats("gamma", Tiny.positive(16, 12), 16))
            .addInitializer(floats("beta", Tiny.random(16, 13, 0.1f), 16))
            .addInitializer(floats("W2", Tiny.random(256, 14, 0.3f), 16, 16))
            .addNode(Tiny.node("MatMul", "mm1", List.of("x", "W1"), List.of("h")))
            .addNode(Tiny.node("Add", "residual", List.of("x", "h"), List.of("r")))
            .addNode(
                Tiny.node(
                    "LayerNormalization", "norm", List.of("r", "gamma", "beta"), List.of("ln")))
            .addNode(Tiny.node("MatMul", "mm2", List.of("ln", "W2"), List.of("y")))
            .build();
    return Tiny.model(g, 17);
  }

  /** Rows of 16 channels whose channel 0 runs 40 times the others, as a residual stream's do. */
  private static float[] outlierRows(int rows, long seed) {
    float[] x = Tiny.random(rows * 16, seed, 1f);
    for (int i = 0; i < rows; i++) {
      x[i * 16] *= 40;
    }
    return x;
  }

  /**
   * One uint8 scale for a residual sum spans its outlier channel, leaving the other channels a few
   * levels, which the normalization then scales back up: the sum stays float (ONNX Runtime fuses it
   * with the normalization), and the MatMuls around it keep their int8 weights.
   */
  @Test
  void aResidualSumThatANormalizationReadsStaysFloat() throws Exception {
    ModelProto fp32 = residualBeforeNorm();
    OnnxModel m = OnnxModel.of(fp32);
    long[] shape = {2, 8, 16};
    List<List<Tensor>> cal = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      cal.add(List.of(Tensor.ofFloats("x", shape, outlierRows(16, 70 + i))));
    }
    CompressResult r =
        Compressor.quantizeStaticCpu(m, StaticOptions.defaults(), Compressor.calibrate(m, cal));
    PassSummary pass =
        r.passes().stream().filter(p -> p.pass().equals("int8-static")).findFirst().orElseThrow();
    assertEquals(List.of("mm1", "mm2"), pass.rewritten());
    assertTrue(
        pass.skipped().stream()
            .anyMatch(s -> s.startsWith("residual: a residual sum that a normalization reads")),
        pass.skipped().toString());
    ModelProto q = r.model().proto();
    Map<String, Integer> ops = optimizedOps(q);
    assertEquals(0, ops.getOrDefault("QLinearAdd", 0), "ops: " + ops);
    // Float, the sum fuses with the normalization into one kernel.
    assertEquals(1, ops.getOrDefault("SkipLayerNormalization", 0), "ops: " + ops);
    assertEquals(2, ops.getOrDefault("MatMulIntegerToFloat", 0), "ops: " + ops);
    float[] x = outlierRows(16, 999);
    double cos = Tiny.cosine(Tiny.run(fp32, "x", shape, x), Tiny.run(q, "x", shape, x));
    assertTrue(cos > COS_FLOAT_SUM, "cosine " + cos);
  }

  /** Here the float residual sum reaches 0.9973; a uint8 one reached 0.9932. */
  private static final double COS_FLOAT_SUM = 0.995;

  /**
   * x → Conv(stem) → Relu → two head Convs (two levels) → Reshape → Sigmoid → Concat → Transpose →
   * y: a detector head whose levels an int8 Concat gathers.
   */
  static ModelProto twoLevelHead() {
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .setName("heads")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "n", 3, 8, 8))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "n", 128, 2))
            .addInitializer(floats("Ws", Tiny.random(8 * 27, 1, 0.3f), 8, 3, 3, 3))
            .addInitializer(Initializers.ofLongs("shape", new long[] {3}, new long[] {0, 2, -1}))
            .addNode(Tiny.node("Conv", "stem", List.of("x", "Ws"), List.of("s"), ints("pads", 1)))
            .addNode(Tiny.node("Relu", "stem_relu", List.of("s"), List.of("r")));
    for (String h : List.of("a", "b")) {
      g.addInitializer(floats("W" + h, Tiny.random(2 * 8, h.charAt(0), 0.5f), 2, 8, 1, 1))
          .addNode(Tiny.node("Conv", "head_" + h, List.of("r", "W" + h), List.of("c" + h)))
          .addNode(Tiny.node("Reshape", "flat_" + h, List.of("c" + h, "shape"), List.of("f" + h)))
          .addNode(Tiny.node("Sigmoid", "prob_" + h, List.of("f" + h), List.of("p" + h)));
    }
    g.addNode(
            Tiny.node(
                "Concat", "levels", List.of("pa", "pb"), List.of("cat"), Tiny.intAttr("axis", 2)))
        .addNode(
            Tiny.node("Transpose", "out", List.of("cat"), List.of("y"), ints("perm", 0, 2, 1)));
    return Tiny.model(g.build());
  }

  /**
   * The head Convs keep a float output although an int8 Concat reads their Sigmoids: a graph output
   * follows within a few ops and no Conv, MatMul or Gemm does, so they are heads, not the middle of
   * the network.
   */
  @Test
  void headConvsThatAnInt8ConcatGathersStayFloat() throws Exception {
    ModelProto fp32 = twoLevelHead();
    ModelProto q = staticDefaults(fp32, 70);
    Map<String, Integer> ops = optimizedOps(q);
    assertEquals(1, ops.getOrDefault("QLinearConv", 0), "ops: " + ops);
    assertEquals(2, ops.getOrDefault("Conv", 0), "ops: " + ops);
  }

  /**
   * x → Conv(conv1) → hard-swish written out ({@code c · Clip(c + 3, 0, 6) / 6}) → Conv(conv2) → y:
   * PP-LCNet's blocks as paddle2onnx exports them.
   */
  static ModelProto hardSwishCnn() {
    GraphProto g =
        GraphProto.newBuilder()
            .setName("hardswish")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "n", 3, 8, 8))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "n", 8, 8, 8))
            .addInitializer(floats("W1", Tiny.random(8 * 27, 1, 1.5f), 8, 3, 3, 3))
            .addInitializer(floats("three", new float[] {3}))
            .addInitializer(floats("zero", new float[] {0}))
            .addInitializer(floats("six", new float[] {6}))
            .addInitializer(floats("W2", Tiny.random(8 * 72, 7, 0.15f), 8, 8, 3, 3))
            .addNode(Tiny.node("Conv", "conv1", List.of("x", "W1"), List.of("c1"), ints("pads", 1)))
            .addNode(Tiny.node("Add", "plus3", List.of("c1", "three"), List.of("a1")))
            .addNode(Tiny.node("Clip", "clip", List.of("a1", "zero", "six"), List.of("k1")))
            .addNode(Tiny.node("Mul", "times", List.of("c1", "k1"), List.of("m1")))
            .addNode(Tiny.node("Div", "by6", List.of("m1", "six"), List.of("h1")))
            .addNode(Tiny.node("Conv", "conv2", List.of("h1", "W2"), List.of("y"), ints("pads", 1)))
            .build();
    return Tiny.model(g);
  }

  /**
   * A Conv before a hard-swish gets no uint8 levels below −3, where the hard-swish is 0 whatever
   * the value: its calibrated range reaches far below that, and spending levels there would coarsen
   * the part the next layer sees.
   */
  @Test
  void aConvBeforeAHardSwishQuantizesOnlyWhatTheHardSwishReads() throws Exception {
    ModelProto fp32 = hardSwishCnn();
    OnnxModel m = OnnxModel.of(fp32);
    CalibrationStats stats = Compressor.calibrate(m, batches(8, 60));
    StaticOptions o = StaticOptions.builder().optMethod(CalibrationMethod.MIN_MAX).build();
    float[] calibrated = stats.range("c1", o.method(), o.percentile()).orElseThrow();
    assertTrue(calibrated[0] < -6, "the test needs a wide negative range: " + calibrated[0]);
    ModelProto q = Compressor.quantizeStaticCpu(m, o, stats).model().proto();
    NodeProto quantize =
        q.getGraph().getNodeList().stream()
            .filter(n -> n.getOpType().equals("QuantizeLinear") && n.getInput(0).equals("c1"))
            .findFirst()
            .orElseThrow();
    float scale = Initializers.floats(Tiny.initializer(q, quantize.getInput(1)))[0];
    int zeroPoint = Tiny.initializer(q, quantize.getInput(2)).getRawData().byteAt(0) & 0xff;
    float lowest = -zeroPoint * scale;
    assertTrue(lowest <= -3 && lowest > -3 - 2 * scale, "lowest level " + lowest);
    double levels = 3 / scale;
    assertEquals(Math.rint(levels), levels, 1e-3, "−3 is a level, so the Clip runs on integers");
    double top = (255 - zeroPoint) * scale;
    double given = (calibrated[1] + 3) / levels; // the range the finer step gives up, at most
    assertTrue(
        top <= calibrated[1] + 2 * scale && top >= calibrated[1] - given - 2 * scale, "" + top);
    // conv2 writes the graph output in float, from its int8 weight. The Div by 6 after the
    // integer product is folded into that product's DequantizeLinear, and Clip(c1 + 3, 0, 6)
    // runs on conv1's uint8 output.
    Map<String, Integer> ops = optimizedOps(q);
    assertEquals(1, ops.getOrDefault("QLinearConv", 0), "ops: " + ops);
    assertEquals(1, ops.getOrDefault("QLinearMul", 0), "ops: " + ops);
    assertEquals(1, ops.getOrDefault("Clip", 0), "ops: " + ops);
    assertFalse(ops.containsKey("Div") || ops.containsKey("Add"), "ops: " + ops);
    NodeProto clip = node(q, "clip");
    assertEquals(quantize.getOutput(0), clip.getInput(0), "the Clip reads conv1's uint8 output");
    float[] x = Tiny.random(2 * 3 * 64, 999, 1f);
    float[] ref = Tiny.run(fp32, "x", SHAPE, x);
    double err = Tiny.maxAbsDiff(ref, Tiny.run(q, "x", SHAPE, x));
    assertTrue(err < 0.05 * Tiny.maxAbs(ref), "error " + err);
  }

  /**
   * x → Conv(conv1) → Relu → Mul(0.8) → Add(−0.3) → Conv(conv2, padded) → Relu → Conv(conv3) → y: a
   * learned scalar scale and shift after an activation, as PP-LCNet's affine blocks have. (A
   * positive shift after a Relu would not fold: no uint8 zero point puts 0 below the Relu's 0.)
   */
  static ModelProto scaleShiftCnn() {
    GraphProto g =
        GraphProto.newBuilder()
            .setName("scaleshift")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "n", 3, 8, 8))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "n", 8, 8, 8))
            .addInitializer(floats("W1", Tiny.random(8 * 27, 1, 0.4f), 8, 3, 3, 3))
            .addInitializer(floats("scale", new float[] {0.8f}))
            .addInitializer(floats("shift", new float[] {-0.3f}))
            .addInitializer(floats("W2", Tiny.random(8 * 72, 7, 0.15f), 8, 8, 3, 3))
            .addInitializer(floats("B2", Tiny.random(8, 8, 0.1f), 8))
            .addInitializer(floats("W3", Tiny.random(64, 9, 0.3f), 8, 8, 1, 1))
            .addNode(Tiny.node("Conv", "conv1", List.of("x", "W1"), List.of("c1"), ints("pads", 1)))
            .addNode(Tiny.node("Relu", "relu1", List.of("c1"), List.of("r1")))
            .addNode(Tiny.node("Mul", "scale1", List.of("r1", "scale"), List.of("m1")))
            .addNode(Tiny.node("Add", "shift1", List.of("m1", "shift"), List.of("a1")))
            .addNode(
                Tiny.node(
                    "Conv", "conv2", List.of("a1", "W2", "B2"), List.of("c2"), ints("pads", 1)))
            .addNode(Tiny.node("Relu", "relu2", List.of("c2"), List.of("r2")))
            .addNode(Tiny.node("Conv", "conv3", List.of("r2", "W3"), List.of("y")))
            .build();
    return Tiny.model(g);
  }

  /**
   * The scalar scale folds into the dequantization of the Relu's output and the shift into the zero
   * point conv2 reads, so nothing runs in float between the integer kernels.
   */
  @Test
  void aScalarScaleAndShiftAfterAnActivationLeaveNoFloatOpBetweenIntegerKernels() throws Exception {
    ModelProto fp32 = scaleShiftCnn();
    OnnxModel m = OnnxModel.of(fp32);
    CompressResult r =
        Compressor.quantizeStaticCpu(
            m, StaticOptions.defaults(), Compressor.calibrate(m, batches(8, 70)));
    ModelProto q = r.model().proto();
    Map<String, Integer> ops = optimizedOps(q);
    // conv1 runs as an integer kernel and conv2 reads its uint8 output as it is; conv2 is one too,
    // as conv3, which writes the graph output, reads its uint8 output.
    assertEquals(2, ops.getOrDefault("QLinearConv", 0), "ops: " + ops);
    assertEquals(1, ops.getOrDefault("Conv", 0) + ops.getOrDefault("FusedConv", 0), "ops: " + ops);
    assertFalse(ops.containsKey("Add") || ops.containsKey("Mul"), "ops: " + ops);
    assertEquals(1, ops.getOrDefault("QuantizeLinear", 0), "only the input's: " + ops);
    float[] x = Tiny.random(2 * 3 * 64, 998, 1f);
    float[] ref = Tiny.run(fp32, "x", SHAPE, x);
    double err = Tiny.maxAbsDiff(ref, Tiny.run(q, "x", SHAPE, x));
    assertTrue(err < 0.05 * Tiny.maxAbs(ref), "error " + err);
  }

  @Test
  void biasIsInt32AtInputTimesWeightScale() throws Exception {
    OnnxModel m = OnnxModel.of(cnn());
    CalibrationStats stats = Compressor.calibrate(m, batches(4, 300));
    StaticOptions o =
        StaticOptions.builder()
            .optMethod(CalibrationMethod.MIN_MAX)
            .optBiasCorrection(false)
            .build();
    ModelProto q = Compressor.quantizeStaticCpu(m, o, stats).model().proto();
    NodeProto conv2 = node(q, "conv2");
    NodeProto xDq = producer(q, conv2.getInput(0));
    NodeProto wDq = producer(q, conv2.getInput(1));
    NodeProto bDq = producer(q, conv2.getInput(2));
    float xScale = Initializers.floats(Tiny.initializer(q, xDq.getInput(1)))[0];
    float[] wScale = Initializers.floats(Tiny.initializer(q, wDq.getInput(1)));
    float[] bScale = Initializers.floats(Tiny.initializer(q, bDq.getInput(1)));
    TensorProto bq = Tiny.initializer(q, bDq.getInput(0));
    assertEquals(TensorProto.DataType.INT32_VALUE, bq.getDataType());
    assertEquals(2, bDq.getInputCount(), "no zero point: 0");
    assertEquals(8, wScale.length, "one weight scale per output channel");
    int[] b = ints(bq);
    float[] b2 = Initializers.floats(Tiny.initializer(cnn(), "B2"));
    for (int c = 0; c < 8; c++) {
      assertEquals(xScale * wScale[c], bScale[c], 0f, "bias scale = input × weight scale");
      assertEquals(Math.rint(b2[c] / bScale[c]), b[c], 0, "bias rounded at that scale");
    }
    // The activation scale came from the MinMax range of conv2's input (after Relu: zero point 0).
    float[] range = stats.range("p1", CalibrationMethod.MIN_MAX, 100).orElseThrow();
    assertEquals(0f, range[0]);
    assertEquals(range[1] / 255, xScale, 1e-7f);
    assertEquals(0, Tiny.initializer(q, xDq.getInput(2)).getRawData().byteAt(0));
    // Weights 7-bit by default (reduced range: safe on x86 without VNNI).
    for (byte v : Tiny.initializer(q, wDq.getInput(0)).getRawData().toByteArray()) {
      assertTrue(v >= -63 && v <= 63);
    }
  }

  @Test
  void oneNodeOrAllButSomeAreQuantized() throws Exception {
    OnnxModel m = OnnxModel.of(cnn());
    CalibrationStats stats = Compressor.calibrate(m, batches(4, 400));
    StaticOptions only =
        StaticOptions.builder().optFilter(new NodeFilter(List.of("conv2"), List.of())).build();
    CompressResult one = Compressor.quantizeStaticCpu(m, only, stats);
    assertEquals(List.of("conv2"), one.passes().get(2).rewritten());
    Map<String, Integer> ops = optimizedOps(one.model().proto());
    assertEquals(1, ops.getOrDefault("QLinearConv", 0), "ops: " + ops);
    assertEquals(1, ops.getOrDefault("Conv", 0), "conv1 stays float: " + ops);

    StaticOptions allBut =
        StaticOptions.defaults().withFilter(NodeFilter.all().excluding(List.of("conv1", "fc")));
    CompressResult most = Compressor.quantizeStaticCpu(m, allBut, stats);
    assertFalse(most.passes().get(2).rewritten().contains("conv1"));
    assertFalse(most.passes().get(2).rewritten().contains("fc"));
    assertTrue(most.passes().get(2).rewritten().contains("conv2"));
    ops = optimizedOps(most.model().proto());
    assertEquals(1, ops.getOrDefault("QLinearConv", 0), "ops: " + ops);
    assertTrue(ops.containsKey("Gemm") && !ops.containsKey("QGemm"), "fc stays float: " + ops);
  }

  @Test
  void matMulFusesIntoQLinearMatMulOrMatMulIntegerToFloat() throws Exception {
    // x → MatMul W → Relu → MatMul V → y: the first gets a uint8 output, the second writes y.
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "n", 16))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "n", 4))
            .addInitializer(floats("W", Tiny.random(16 * 8, 1, 0.3f), 16, 8))
            .addInitializer(floats("V", Tiny.random(8 * 4, 2, 0.3f), 8, 4))
            .addNode(Tiny.node("MatMul", "mm1", List.of("x", "W"), List.of("h")))
            .addNode(Tiny.node("Relu", "relu", List.of("h"), List.of("r")))
            .addNode(Tiny.node("MatMul", "mm2", List.of("r", "V"), List.of("y")))
            .build();
    OnnxModel m = OnnxModel.of(Tiny.model(g));
    List<List<Tensor>> cal = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      cal.add(List.of(Tensor.ofFloats("x", new long[] {8, 16}, Tiny.random(128, 50 + i, 1f))));
    }
    ModelProto q =
        Compressor.quantizeStaticCpu(m, StaticOptions.defaults(), Compressor.calibrate(m, cal))
            .model()
            .proto();
    Map<String, Integer> ops = optimizedOps(q);
    assertEquals(1, ops.getOrDefault("QLinearMatMul", 0), "ops: " + ops);
    assertEquals(1, ops.getOrDefault("MatMulIntegerToFloat", 0), "ops: " + ops);
    assertFalse(ops.containsKey("MatMul") || ops.containsKey("Relu"), "ops: " + ops);
    float[] x = Tiny.random(4 * 16, 77, 1f);
    float[] ref = Tiny.run(m.proto(), "x", new long[] {4, 16}, x);
    float[] got = Tiny.run(q, "x", new long[] {4, 16}, x);
    assertTrue(Tiny.maxAbsDiff(ref, got) < 0.05 * Tiny.maxAbs(ref), "error too large");
  }

  @Test
  void digitsCnnKeepsItsAccuracyWithinOnePoint() throws Exception {
    OnnxModel m = Models.loadOnnx(Models.resolve("digits-cnn", ModelFormat.ONNX));
    CalibrationStats stats = Compressor.calibrate(m, BuiltinFidelity.digitsCalibration(32));
    for (CalibrationMethod method : CalibrationMethod.values()) {
      CompressResult r =
          Compressor.quantizeStaticCpu(m, StaticOptions.defaults().withMethod(method), stats);
      BuiltinFidelity.Digits d = BuiltinFidelity.digits(m.proto(), r.model().proto(), false);
      assertTrue(d.accuracy() >= d.accuracyRef() - 0.01, method + ": " + d);
      Map<String, Integer> ops = optimizedOps(r.model().proto());
      assertTrue(ops.containsKey("QLinearConv") && !ops.containsKey("Conv"), "ops: " + ops);
    }
  }

  /**
   * x [1, 4, 32, 32] → depthwise Conv 3×3 → Relu → GlobalAveragePool → Flatten → Gemm → y: the
   * depthwise kernels' weights are large (±20) and nearly cancel, as BatchNorm folding leaves an
   * edge detector's; channel 3's weights are about 0 when {@code dead} (its output is its bias).
   */
  static ModelProto depthwise(boolean dead) {
    float[] w = new float[4 * 9];
    for (int c = 0; c < 4; c++) {
      float[] r = Tiny.random(9, 40 + c, 20f);
      float mean = 0;
      for (float v : r) {
        mean += v / 9;
      }
      for (int k = 0; k < 9; k++) {
        w[c * 9 + k] = dead && c == 3 ? 1e-25f : r[k] - mean + 0.02f;
      }
    }
    GraphProto g =
        GraphProto.newBuilder()
            .setName("depthwise")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, 1, 4, 32, 32))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, 1, 2))
            .addInitializer(floats("W", w, 4, 1, 3, 3))
            .addInitializer(floats("B", new float[] {0.5f, 0.5f, 0.5f, 0.5f}, 4))
            .addInitializer(floats("W2", Tiny.random(8, 3, 1f), 2, 4))
            .addInitializer(floats("B2", new float[] {0, 0}, 2))
            .addNode(
                Tiny.node(
                    "Conv",
                    "dw",
                    List.of("x", "W", "B"),
                    List.of("c"),
                    ints("pads", 1),
                    Tiny.intAttr("group", 4)))
            .addNode(Tiny.node("Relu", "relu", List.of("c"), List.of("r")))
            .addNode(Tiny.node("GlobalAveragePool", "gap", List.of("r"), List.of("g")))
            .addNode(Tiny.node("Flatten", "flatten", List.of("g"), List.of("f")))
            .addNode(
                Tiny.node(
                    "Gemm",
                    "fc",
                    List.of("f", "W2", "B2"),
                    List.of("y"),
                    Tiny.intAttr("transB", 1)))
            .build();
    return Tiny.model(g);
  }

  /** Image-like input: per channel a flat level (1, 2, 3, 4) with a little noise. */
  private static float[] flat(long seed) {
    float[] x = Tiny.random(4 * 1024, seed, 0.05f);
    for (int i = 0; i < x.length; i++) {
      x[i] += 1 + i / 1024;
    }
    return x;
  }

  @Test
  void biasCorrectionRemovesTheShiftOfNearlyCancellingKernels() throws Exception {
    ModelProto fp32 = depthwise(false);
    OnnxModel m = OnnxModel.of(fp32);
    long[] shape = {1, 4, 32, 32};
    List<List<Tensor>> cal = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      cal.add(List.of(Tensor.ofFloats("x", shape, flat(500 + i))));
    }
    CalibrationStats stats = Compressor.calibrate(m, cal);
    float[] x = flat(999);
    float[] ref = Tiny.run(fp32, "x", shape, x);
    double[] err = new double[2];
    for (boolean correct : List.of(false, true)) {
      StaticOptions o =
          StaticOptions.builder()
              .optMethod(CalibrationMethod.MIN_MAX)
              .optReducedRange(false)
              .optBiasCorrection(correct)
              .build();
      ModelProto q = Compressor.quantizeStaticCpu(m, o, stats).model().proto();
      err[correct ? 1 : 0] = Tiny.maxAbsDiff(ref, Tiny.run(q, "x", shape, x));
    }
    // The rounding of ±20 weights (step 0.16) shifts each flat patch's output by Σ Δw · level;
    // the correction removes it up to the activations' own rounding.
    assertTrue(err[1] < 0.5 * err[0], "error with correction " + err[1] + ", without " + err[0]);
  }

  @Test
  void aChannelWithZeroWeightsKeepsItsBias() throws Exception {
    OnnxModel m = OnnxModel.of(depthwise(true));
    List<List<Tensor>> cal =
        List.of(List.of(Tensor.ofFloats("x", new long[] {1, 4, 32, 32}, flat(7))));
    ModelProto q =
        Compressor.quantizeStaticCpu(m, StaticOptions.defaults(), Compressor.calibrate(m, cal))
            .model()
            .proto();
    NodeProto bDq = producer(q, node(q, "dw").getInput(2));
    int[] b = ints(Tiny.initializer(q, bDq.getInput(0)));
    float[] scale = Initializers.floats(Tiny.initializer(q, bDq.getInput(1)));
    // 0.5 / (s_x · 1e-25 / 63) would overflow int32: the weight scale is raised until it fits.
    assertEquals(0.5, b[3] * (double) scale[3], 1e-3, "channel 3's bias after int32");
  }

  @Test
  void aLayerKeptInFloatReadsTheFloatTensor() throws Exception {
    OnnxModel m = OnnxModel.of(cnn());
    CalibrationStats stats = Compressor.calibrate(m, batches(4, 600));
    StaticOptions o =
        StaticOptions.defaults().withFilter(NodeFilter.all().excluding(List.of("conv2")));
    ModelProto q = Compressor.quantizeStaticCpu(m, o, stats).model().proto();
    // Not a DequantizeLinear: from one, ONNX Runtime would quantize conv2 per tensor itself.
    assertEquals("p1", node(q, "conv2").getInput(0));
    Map<String, Integer> ops = optimizedOps(q);
    assertEquals(1, ops.getOrDefault("QLinearConv", 0), "only conv1 in int8: " + ops);
    assertEquals(1, ops.getOrDefault("Conv", 0), "conv2 in float: " + ops);
  }

  @Test
  void aPeakSuppressionHeadStaysFloat() throws Exception {
    // x → Conv → Sigmoid → MaxPool 3×3 → Equal(s, pool) → Cast → Mul(s, ·) → y: a detector's
    // heatmap head. Rounding s would create ties in Equal, so false peaks.
    GraphProto g =
        GraphProto.newBuilder()
            .setName("head")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, 1, 1, 8, 8))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, 1, 1, 8, 8))
            .addInitializer(floats("W", Tiny.random(9, 11, 0.5f), 1, 1, 3, 3))
            .addNode(Tiny.node("Conv", "conv", List.of("x", "W"), List.of("c"), ints("pads", 1)))
            .addNode(Tiny.node("Sigmoid", "sigmoid", List.of("c"), List.of("s")))
            .addNode(
                Tiny.node(
                    "MaxPool",
                    "pool",
                    List.of("s"),
                    List.of("p"),
                    ints("kernel_shape", 3, 3),
                    ints("pads", 1)))
            .addNode(Tiny.node("Equal", "peak", List.of("s", "p"), List.of("e")))
            .addNode(Tiny.node("Cast", "cast", List.of("e"), List.of("k"), Tiny.intAttr("to", 1)))
            .addNode(Tiny.node("Mul", "keep", List.of("s", "k"), List.of("y")))
            .build();
    OnnxModel m = OnnxModel.of(Tiny.model(g));
    List<List<Tensor>> cal = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      cal.add(List.of(Tensor.ofFloats("x", new long[] {1, 1, 8, 8}, Tiny.random(64, 70 + i, 1f))));
    }
    CompressResult r =
        Compressor.quantizeStaticCpu(m, StaticOptions.defaults(), Compressor.calibrate(m, cal));
    assertEquals(List.of("conv"), r.passes().get(2).rewritten(), "MaxPool not in uint8");
    for (NodeProto n : r.model().proto().getGraph().getNodeList()) {
      if (n.getOpType().equals("QuantizeLinear")) {
        assertEquals("x", n.getInput(0), "only the input is quantized: the Conv writes float");
      }
    }
  }

  @Test
  void aConvBeforeAPadStaysAnIntegerKernel() throws Exception {
    // x → Conv → Relu → Pad → Conv → Relu → GlobalAveragePool → Flatten → Gemm: the explicit
    // padding of a TensorFlow export keeps the Q before it, and then runs on that uint8 tensor.
    GraphProto g =
        GraphProto.newBuilder()
            .setName("padded")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "n", 3, 8, 8))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "n", 4))
            .addInitializer(floats("W1", Tiny.random(8 * 27, 1, 0.3f), 8, 3, 3, 3))
            .addInitializer(floats("W2", Tiny.random(8 * 72, 2, 0.15f), 8, 8, 3, 3))
            .addInitializer(floats("W3", Tiny.random(32, 3, 0.5f), 4, 8))
            .addInitializer(Initializers.ofLongs("pads", new long[] {0, 0, 1, 1, 0, 0, 1, 1}))
            .addNode(Tiny.node("Conv", "conv1", List.of("x", "W1"), List.of("c1"), ints("pads", 1)))
            .addNode(Tiny.node("Relu", "relu1", List.of("c1"), List.of("r1")))
            .addNode(Tiny.node("Pad", "pad", List.of("r1", "pads"), List.of("p")))
            .addNode(Tiny.node("Conv", "conv2", List.of("p", "W2"), List.of("c2")))
            .addNode(Tiny.node("Relu", "relu2", List.of("c2"), List.of("r2")))
            .addNode(Tiny.node("GlobalAveragePool", "gap", List.of("r2"), List.of("g")))
            .addNode(Tiny.node("Flatten", "flatten", List.of("g"), List.of("f")))
            .addNode(
                Tiny.node(
                    "Gemm", "fc", List.of("f", "W3"), List.of("y"), Tiny.intAttr("transB", 1)))
            .build();
    OnnxModel m = OnnxModel.of(Tiny.model(g));
    ModelProto q =
        Compressor.quantizeStaticCpu(
                m, StaticOptions.defaults(), Compressor.calibrate(m, batches(4, 800)))
            .model()
            .proto();
    Map<String, Integer> ops = optimizedOps(q);
    assertEquals(2, ops.getOrDefault("QLinearConv", 0), "ops: " + ops);
    assertFalse(ops.containsKey("Conv") || ops.containsKey("FusedConv"), "ops: " + ops);
    assertEquals(1, ops.getOrDefault("Pad", 0), "ops: " + ops);
    assertEquals(1, ops.getOrDefault("QuantizeLinear", 0), "only the input's: " + ops);
  }

  /**
   * x → {@code first} → Relu → Conv → y, y a graph output (a U-Net's or a heatmap head's last 1×1
   * Conv); {@code first} is a Conv or a ConvTranspose (no integer kernel).
   */
  private static OnnxModel headOnGraphOutput(String first) {
    GraphProto g =
        GraphProto.newBuilder()
            .setName("head")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "n", 3, 8, 8))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT))
            .addInitializer(
                floats(
                    "W1",
                    Tiny.random(8 * 27, 1, 0.3f),
                    first.equals("Conv") ? 8 : 3,
                    first.equals("Conv") ? 3 : 8,
                    3,
                    3))
            .addInitializer(floats("W2", Tiny.random(16, 2, 0.3f), 2, 8, 1, 1))
            .addNode(Tiny.node(first, "first", List.of("x", "W1"), List.of("c1"), ints("pads", 1)))
            .addNode(Tiny.node("Relu", "relu", List.of("c1"), List.of("r1")))
            .addNode(Tiny.node("Conv", "last", List.of("r1", "W2"), List.of("y")))
            .build();
    return OnnxModel.of(Tiny.model(g));
  }

  @Test
  void aConvWritingAGraphOutputLetsTheConvBeforeItRunAsAnIntegerKernel() throws Exception {
    OnnxModel m = headOnGraphOutput("Conv");
    CompressResult r =
        Compressor.quantizeStaticCpu(
            m, StaticOptions.defaults(), Compressor.calibrate(m, batches(4, 900)));
    assertTrue(r.passes().get(2).rewritten().containsAll(List.of("first", "last")));
    Map<String, Integer> ops = optimizedOps(r.model().proto());
    assertEquals(1, ops.getOrDefault("QLinearConv", 0), "the first Conv: " + ops);
    assertEquals(
        1, ops.getOrDefault("Conv", 0) + ops.getOrDefault("FusedConv", 0), "the last: " + ops);
    float[] x = Tiny.random(3 * 64, 901, 1f);
    float[] ref = Tiny.run(m.proto(), "x", new long[] {1, 3, 8, 8}, x);
    float[] got = Tiny.run(r.model().proto(), "x", new long[] {1, 3, 8, 8}, x);
    assertTrue(
        Tiny.maxAbsDiff(ref, got) < 0.05 * Tiny.maxAbs(ref), "error " + Tiny.maxAbsDiff(ref, got));
  }

  @Test
  void aConvWritingAGraphOutputAfterAFloatOpStaysFloat() throws Exception {
    OnnxModel m = headOnGraphOutput("ConvTranspose");
    CompressResult r =
        Compressor.quantizeStaticCpu(
            m, StaticOptions.defaults(), Compressor.calibrate(m, batches(4, 900)));
    assertEquals(
        List.of("last: its output is a graph output and no integer kernel writes its input"),
        r.passes().get(2).skipped());
    assertEquals(m.proto().getGraph().getNodeList(), r.model().proto().getGraph().getNodeList());
  }

  @Test
  void aConvWritingAGraphOutputFromTheGraphInputStaysFloat() throws Exception {
    // x → conv_a → y1 and x → conv_c → y2: x has a Q for conv_a, but no kernel writes it.
    GraphProto g =
        GraphProto.newBuilder()
            .setName("two-heads")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "n", 3, 8, 8))
            .addOutput(Tiny.value("r", TensorProto.DataType.FLOAT))
            .addOutput(Tiny.value("y2", TensorProto.DataType.FLOAT))
            .addInitializer(floats("Wa", Tiny.random(8 * 27, 1, 0.3f), 8, 3, 3, 3))
            .addInitializer(floats("Wc", Tiny.random(6, 2, 0.3f), 2, 3, 1, 1))
            .addNode(
                Tiny.node("Conv", "conv_a", List.of("x", "Wa"), List.of("y1"), ints("pads", 1)))
            .addNode(Tiny.node("Relu", "relu", List.of("y1"), List.of("r")))
            .addNode(Tiny.node("Conv", "conv_c", List.of("x", "Wc"), List.of("y2")))
            .build();
    OnnxModel m = OnnxModel.of(Tiny.model(g));
    CompressResult r =
        Compressor.quantizeStaticCpu(
            m, StaticOptions.defaults(), Compressor.calibrate(m, batches(4, 902)));
    assertTrue(
        r.passes()
            .get(2)
            .skipped()
            .contains(
                "conv_c: its output is a graph output and no integer kernel writes its input"),
        r.passes().get(2).skipped().toString());
  }

  private Map<String, Integer> optimizedOps(ModelProto q) throws Exception {
    return Tiny.optimizedOps(q, tmp);
  }

  static TensorProto floats(String name, float[] v, long... dims) {
    return Initializers.ofFloats(name, dims, v);
  }

  private static AttributeProto ints(String name, long... v) {
    var b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long x : v) {
      b.addInts(x);
    }
    if (name.equals("pads")) {
      b.clearInts();
      for (int i = 0; i < 4; i++) {
        b.addInts(v[0]);
      }
    }
    return b.build();
  }

  private static int[] ints(TensorProto t) {
    ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    int[] out = new int[b.remaining() / 4];
    b.asIntBuffer().get(out);
    return out;
  }

  private static NodeProto node(ModelProto m, String name) {
    return m.getGraph().getNodeList().stream()
        .filter(n -> n.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static NodeProto producer(ModelProto m, String value) {
    return m.getGraph().getNodeList().stream()
        .filter(n -> n.getOutputList().contains(value))
        .findFirst()
        .orElseThrow();
  }
}
