package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.infercost.compress.internal.Initializers;
import dev.infercost.compress.internal.Widening;
import dev.infercost.models.DType;
import dev.infercost.models.Half;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.OrtTensors;
import dev.infercost.models.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * float16 models widen to float32 before int8 ({@code Widening}): exactly, keeping the model's
 * interface, on a model written in half (as ONNX Runtime's float16 converter writes them) and on
 * our own fp16 output with its float32 islands.
 */
class WideningTest {
  private static final int F16 = TensorProto.DataType.FLOAT16_VALUE;
  private static final int F32 = TensorProto.DataType.FLOAT_VALUE;

  @TempDir Path tmp;

  /** x [batch, 8] half → MatMul(W half) → Add(b half) → Relu → y half. */
  private static ModelProto halfMatMul() {
    GraphProto g =
        GraphProto.newBuilder()
            .setName("half")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT16, "batch", 8))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT16, "batch", 4))
            .addInitializer(Half.tensor("W", new long[] {8, 4}, Tiny.random(32, 3, 0.5f)))
            .addInitializer(Half.tensor("b", new long[] {4}, Tiny.random(4, 4, 0.1f)))
            .addNode(Tiny.node("MatMul", "mm", List.of("x", "W"), List.of("h")))
            .addNode(Tiny.node("Add", "add", List.of("h", "b"), List.of("a")))
            .addNode(Tiny.node("Relu", "relu", List.of("a"), List.of("y")))
            .build();
    return Tiny.model(g);
  }

  private static float[] run(ModelProto m, Tensor x) throws Exception {
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession s = Models.ortEnvironment().createSession(m.toByteArray(), o);
        OnnxTensor t = OrtTensors.toOrt(x);
        OrtSession.Result r = s.run(Map.of(x.name(), t))) {
      return OrtTensors.fromOrt("y", (OnnxTensor) r.get(0)).toFloats();
    }
  }

  private static List<String> ops(ModelProto m) {
    return Tiny.opTypes(m);
  }

  @Test
  void aHalfModelComputesInFloat32BehindItsHalfInputsAndOutputs() throws Exception {
    ModelProto half = halfMatMul();
    Widening.Outcome w = Widening.widen(half);
    ModelProto wide = w.model();
    assertTrue(w.note().contains("2 tensors"), w.note());
    assertEquals(F16, wide.getGraph().getInput(0).getType().getTensorType().getElemType());
    assertEquals(F16, wide.getGraph().getOutput(0).getType().getTensorType().getElemType());
    wide.getGraph().getInitializerList().forEach(t -> assertEquals(F32, t.getDataType()));
    assertEquals(List.of("Cast", "MatMul", "Add", "Relu", "Cast"), ops(wide));
    // Exact: the widened weights are the half weights' values.
    float[] wHalf = Half.values(Tiny.initializer(half, "W"));
    float[] wWide = Initializers.floats(Tiny.initializer(wide, "W"));
    for (int i = 0; i < wHalf.length; i++) {
      assertEquals(wHalf[i], wWide[i], 0f);
    }
    // The output is the float32 result rounded to half once.
    float[] xs = Tiny.random(16, 5, 1f);
    Tensor x = Tensor.ofFloats("x", DType.FLOAT16, new long[] {2, 8}, xs);
    float[] xh = x.toFloats();
    float[] b = Half.values(Tiny.initializer(half, "b"));
    float[] y = run(wide, x);
    for (int r = 0; r < 2; r++) {
      for (int c = 0; c < 4; c++) {
        float s = 0;
        for (int k = 0; k < 8; k++) {
          s += xh[r * 8 + k] * wHalf[k * 4 + c];
        }
        float want = Half.round(Math.max(0, s + b[c]));
        assertEquals(want, y[r * 4 + c], Math.ulp(want) * 8192, "row " + r + " col " + c);
      }
    }
    float[] yHalf = run(half, x);
    assertTrue(Tiny.maxAbsDiff(yHalf, y) < 0.01, "close to the half model's own output");
  }

  @Test
  void aModelWithNothingNarrowComesBackAsItIs() {
    ModelProto m = Tiny.matmul(8, 4, 1);
    Widening.Outcome w = Widening.widen(m);
    assertSame(m, w.model());
    assertNull(w.note());
    // A float32-to-float32 Cast an export left is not ours to drop.
    GraphProto.Builder g = m.getGraph().toBuilder();
    g.setNode(0, g.getNode(0).toBuilder().setInput(0, "xc"));
    g.addNode(0, Tiny.node("Cast", "c", List.of("x"), List.of("xc"), Tiny.intAttr("to", F32)));
    ModelProto withCast = m.toBuilder().setGraph(g).build();
    assertSame(withCast, Widening.widen(withCast).model());
  }

  @Test
  void aHalfOutputOtherNodesAlsoReadFeedsThemItsFloat32Value() throws Exception {
    // x → Cast(float) → Softmax → Cast(half) → s (an output), and s · W → y (an output).
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT16, 2, 4))
            .addOutput(Tiny.value("s", TensorProto.DataType.FLOAT16, 2, 4))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT16, 2, 4))
            .addInitializer(Half.tensor("W", new long[] {4}, Tiny.random(4, 9, 1f)))
            .addNode(Tiny.node("Cast", "up", List.of("x"), List.of("xf"), Tiny.intAttr("to", F32)))
            .addNode(Tiny.node("Softmax", "soft", List.of("xf"), List.of("sf")))
            .addNode(
                Tiny.node("Cast", "down", List.of("sf"), List.of("s"), Tiny.intAttr("to", F16)))
            .addNode(Tiny.node("Mul", "mul", List.of("s", "W"), List.of("y")))
            .build();
    ModelProto half = Tiny.model(g);
    ModelProto wide = Widening.widen(half).model();
    Tensor x = Tensor.ofFloats("x", DType.FLOAT16, new long[] {2, 4}, Tiny.random(8, 10, 1f));
    float[] want = run(half, x);
    float[] got = run(wide, x);
    assertTrue(Tiny.maxAbsDiff(want, got) < 1e-3, "softmax outputs agree");
  }

  @Test
  void anInitializerListedAsAnInputWidensLikeAWeight() {
    // IR 3 lists every initializer among the graph inputs too.
    ModelProto half = halfMatMul();
    GraphProto.Builder g = half.getGraph().toBuilder();
    g.addInput(Tiny.value("W", TensorProto.DataType.FLOAT16, 8, 4));
    ModelProto wide = Widening.widen(half.toBuilder().setGraph(g).build()).model();
    assertEquals(F32, wide.getGraph().getInput(1).getType().getTensorType().getElemType());
    assertEquals(List.of("Cast", "MatMul", "Add", "Relu", "Cast"), ops(wide), "no Cast for W");
    assertEquals("W", wide.getGraph().getNode(1).getInput(1));
  }

  @Test
  void ourFp16DigitsCnnWidensBackToItsFloat32Graph() throws Exception {
    OnnxModel m = Models.loadOnnx(Models.resolve("digits-cnn", ModelFormat.ONNX));
    ModelProto fp16 = Compressor.toFp16(m, Fp16Options.defaults()).model().proto();
    assertTrue(ops(fp16).contains("Cast"));
    ModelProto wide = Widening.widen(fp16).model();
    // Every float32-to-float16-and-back Cast is dropped; the one writing the float32 output stays.
    List<String> want = new ArrayList<>(ops(m.proto()));
    want.add("Cast");
    assertEquals(want, ops(wide));
    BuiltinFidelity.Digits d = BuiltinFidelity.digits(m.proto(), wide, false);
    assertEquals(d.images(), d.agree(), d.toString());
  }

  @Test
  void weightsNoInt8PassRewroteAreStoredInHalfAgain() throws Exception {
    OnnxModel half = halfDigitsCnn();
    // int8-dynamic quantizes the Gemms; the Convs keep their weights, widened for nothing.
    CompressResult r = Compressor.quantizeDynamic(half, QuantOptions.defaults(), List.of());
    ModelProto q = r.model().proto();
    int narrowed = 0;
    for (NodeProto n : q.getGraph().getNodeList()) {
      if (n.getOpType().equals("Conv")) {
        TensorProto stored = Tiny.initializer(q, producerInput(q, n.getInput(1)));
        // Under 1 KiB in float32 (the first Conv's 72 weights) is not worth a Cast node.
        boolean large = Initializers.count(stored.getDimsList()) >= 256;
        assertEquals(
            large ? F16 : F32, stored.getDataType(), n.getName() + " weight stored in half");
        narrowed += large ? 1 : 0;
      }
    }
    assertEquals(1, narrowed, "digits-cnn's second Conv");
    assertTrue(
        q.getSerializedSize() < 1.1 * half.proto().getSerializedSize(),
        q.getSerializedSize() + " bytes against the input's " + half.proto().getSerializedSize());
    Tensor x = BuiltinFidelity.digitsCalibration(32).get(0).get(0);
    Tensor xh = Tensor.ofFloats(x.name(), DType.FLOAT16, x.shape(), x.toFloats());
    assertTrue(Tiny.cosine(run(half.proto(), xh), run(q, xh)) > 0.999);
  }

  @Test
  void aHalfCnnPrunesItsChannels() throws Exception {
    OnnxModel half = halfDigitsCnn();
    List<List<Tensor>> cal = halfDigits();
    // Before widening: "no prunable Conv channels (... it has no Conv with constant weights)".
    CompressResult r = Compressor.pruneChannels(half, ChannelPruneOptions.of(0.3), cal);
    ModelProto p = r.model().proto();
    Map<String, long[]> one = Map.of("input", new long[] {1, 1, 8, 8});
    long before = half.info(one).macs();
    long after = OnnxModel.of(p).info(one).macs();
    assertTrue(after < 0.8 * before, before + " -> " + after + " MACs");
    assertEquals(F16, p.getGraph().getInput(0).getType().getTensorType().getElemType());
    Tensor x = cal.get(0).get(0);
    assertTrue(Tiny.cosine(run(half.proto(), x), run(p, x)) > 0.9);
  }

  /** digits-cnn in half, inputs and outputs too (as ONNX Runtime's converter writes models). */
  private static OnnxModel halfDigitsCnn() throws Exception {
    OnnxModel m = Models.loadOnnx(Models.resolve("digits-cnn", ModelFormat.ONNX));
    return m.withProto(
        Compressor.toFp16(m, Fp16Options.defaults().withKeepIo(false)).model().proto());
  }

  private static List<List<Tensor>> halfDigits() throws Exception {
    List<List<Tensor>> cal = new ArrayList<>();
    for (List<Tensor> batch : BuiltinFidelity.digitsCalibration(32)) {
      Tensor t = batch.get(0);
      cal.add(List.of(Tensor.ofFloats(t.name(), DType.FLOAT16, t.shape(), t.toFloats())));
    }
    return cal;
  }

  /** The initializer a Cast reads to write {@code value}, or {@code value} itself. */
  private static String producerInput(ModelProto m, String value) {
    return m.getGraph().getNodeList().stream()
        .filter(n -> n.getOpType().equals("Cast") && n.getOutput(0).equals(value))
        .map(n -> n.getInput(0))
        .findFirst()
        .orElse(value);
  }

  @Test
  void staticInt8OfAHalfModelRunsItsConvsInIntegerKernels() throws Exception {
    OnnxModel half = halfDigitsCnn();
    List<List<Tensor>> cal = halfDigits();
    CompressResult r =
        Compressor.quantizeStaticCpu(
            half, StaticOptions.defaults(), Compressor.calibrate(half, cal));
    ModelProto q = r.model().proto();
    assertTrue(
        r.passes().get(0).notes().stream().anyMatch(n -> n.contains("widened to float32")),
        r.passes().get(0).notes().toString());
    assertEquals(F16, q.getGraph().getInput(0).getType().getTensorType().getElemType());
    Map<String, Integer> optimized = Tiny.optimizedOps(q, tmp);
    assertTrue(
        optimized.containsKey("QLinearConv") && !optimized.containsKey("Conv"),
        "ops: " + optimized);
    // Every Conv and Gemm weight is int8: none stays in half or float32 beside it.
    long floatWeights =
        q.getGraph().getInitializerList().stream()
            .filter(t -> t.getDataType() == F16 || t.getDataType() == F32)
            .filter(t -> t.getDimsCount() > 1)
            .count();
    assertEquals(0, floatWeights, "no float weight matrix is left");
    Tensor x = cal.get(0).get(0);
    float[] ref = run(half.proto(), x);
    float[] got = run(q, x);
    assertTrue(Tiny.cosine(ref, got) > 0.99, "cosine " + Tiny.cosine(ref, got));
  }
}
