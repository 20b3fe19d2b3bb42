package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.internal.DynamicMatMulPass;
import dev.infercost.compress.internal.Initializers;
import dev.infercost.compress.internal.Ops;
import dev.infercost.models.OnnxModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynamicMatMulPassTest {
  /** 7-bit weights: exact on every x86 int8 kernel, VNNI or not. */
  private static final PassContext CTX =
      PassContext.builder(NodeFilter.all()).optReducedRange(true).build();

  @TempDir Path tmp;

  @Test
  void rewritesIntoTheIntegerPatternAndStaysClose() throws Exception {
    ModelProto m = Tiny.matmul(64, 32, 1);
    PassResult r = new DynamicMatMulPass().apply(m, CTX);
    assertEquals(List.of("mm"), r.rewritten());
    List<String> ops = Tiny.opTypes(r.model());
    assertEquals(
        List.of("DynamicQuantizeLinear", "Mul", "MatMulInteger", "Cast", "Mul", "Add"), ops);
    // Graph inputs and outputs keep their names; the float weight is gone.
    assertEquals("x", r.model().getGraph().getInput(0).getName());
    assertEquals("y", r.model().getGraph().getOutput(0).getName());
    assertTrue(
        r.model().getGraph().getInitializerList().stream().noneMatch(t -> t.getName().equals("W")));

    float[] x = Tiny.random(4 * 64, 7, 1f);
    float[] ref = Tiny.run(m, "x", new long[] {4, 64}, x);
    float[] got = Tiny.run(r.model(), "x", new long[] {4, 64}, x);
    // 8-bit weights and activations over 64 terms: within 3% of the output range.
    assertTrue(
        Tiny.maxAbsDiff(ref, got) < 0.03 * Tiny.maxAbs(ref), "error " + Tiny.maxAbsDiff(ref, got));
  }

  @Test
  void fullRangeWeightsSaturateOnAvx2WithoutVnni() throws Exception {
    Assumptions.assumeTrue(CpuFeatures.needsReducedRange(), "this CPU has VNNI");
    // uint8 × int8 pairs summed into 16 bits (vpmaddubsw) clip once |a·w + a'·w'| > 32767: with
    // 8-bit weights that happens; with 7-bit weights it cannot. This is why reduced range is the
    // default on such CPUs.
    ModelProto m = Tiny.matmul(64, 32, 1);
    var full = PassContext.of(NodeFilter.all());
    float[] x = Tiny.random(4 * 64, 7, 1f);
    float[] ref = Tiny.run(m, "x", new long[] {4, 64}, x);
    double errFull =
        Tiny.maxAbsDiff(
            ref,
            Tiny.run(new DynamicMatMulPass().apply(m, full).model(), "x", new long[] {4, 64}, x));
    double errReduced =
        Tiny.maxAbsDiff(
            ref,
            Tiny.run(new DynamicMatMulPass().apply(m, CTX).model(), "x", new long[] {4, 64}, x));
    assertTrue(errFull > 3 * errReduced, "full " + errFull + " vs reduced " + errReduced);
  }

  @Test
  void onnxRuntimeFusesThePatternIntoItsIntegerKernel() throws Exception {
    ModelProto q = new DynamicMatMulPass().apply(Tiny.matmul(64, 32, 2), CTX).model();
    Map<String, Integer> ops = Tiny.optimizedOps(q, tmp);
    assertTrue(ops.containsKey("DynamicQuantizeMatMul"), "fused ops: " + ops);
    assertFalse(ops.containsKey("MatMulInteger"), "no unfused MatMulInteger left: " + ops);
  }

  @Test
  void reducedRangeAndPerTensorShowInTheWeights() {
    var ctx =
        PassContext.builder(NodeFilter.all()).optPerChannel(false).optReducedRange(true).build();
    ModelProto q = new DynamicMatMulPass().apply(Tiny.matmul(16, 8, 3), ctx).model();
    TensorProto w = init(q, TensorProto.DataType.INT8_VALUE, 2);
    for (byte b : w.getRawData().toByteArray()) {
      assertTrue(b >= -63 && b <= 63);
    }
    TensorProto scale =
        q.getGraph().getInitializerList().stream()
            .filter(t -> t.getName().startsWith("W_scale"))
            .findFirst()
            .orElseThrow();
    assertEquals(0, scale.getDimsCount(), "per-tensor scale is a scalar");
  }

  @Test
  void isIdempotentAndSkipsWhatItCannotDo() {
    ModelProto once = new DynamicMatMulPass().apply(Tiny.matmul(8, 4, 4), CTX).model();
    PassResult twice = new DynamicMatMulPass().apply(once, CTX);
    assertEquals(once, twice.model());
    assertTrue(twice.rewritten().isEmpty());

    // A MatMul whose weight is a graph input is left alone, with the reason.
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("a", TensorProto.DataType.FLOAT, 2, 3))
            .addInput(Tiny.value("b", TensorProto.DataType.FLOAT, 3, 2))
            .addOutput(Tiny.value("c", TensorProto.DataType.FLOAT, 2, 2))
            .addNode(Tiny.node("MatMul", "dyn", List.of("a", "b"), List.of("c")))
            .build();
    PassResult r = new DynamicMatMulPass().apply(Tiny.model(g), CTX);
    assertTrue(r.rewritten().isEmpty());
    assertEquals(List.of("dyn: " + Ops.COMPUTED_MATMUL), r.skipped());
  }

  @Test
  void excludedNodesStayFloat() {
    var ctx = PassContext.of(new NodeFilter(List.of(), List.of("mm")));
    PassResult r = new DynamicMatMulPass().apply(Tiny.matmul(8, 4, 5), ctx);
    assertEquals(List.of("MatMul", "Add"), Tiny.opTypes(r.model()));
  }

  @Test
  void gemmWithTransposedWeightAndBias() throws Exception {
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "batch", 16))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "batch", 8))
            .addInitializer(
                Initializers.ofFloats("W", new long[] {8, 16}, Tiny.random(128, 9, 0.3f)))
            .addInitializer(Initializers.ofFloats("c", new long[] {8}, Tiny.random(8, 10, 0.3f)))
            .addNode(
                Tiny.node(
                    "Gemm",
                    "gemm",
                    List.of("x", "W", "c"),
                    List.of("y"),
                    Tiny.intAttr("transB", 1)))
            .build();
    ModelProto m = Tiny.model(g);
    PassResult r = new DynamicMatMulPass().apply(m, CTX);
    assertEquals(List.of("gemm"), r.rewritten());
    float[] x = Tiny.random(3 * 16, 11, 1f);
    float[] ref = Tiny.run(m, "x", new long[] {3, 16}, x);
    float[] got = Tiny.run(r.model(), "x", new long[] {3, 16}, x);
    assertTrue(
        Tiny.maxAbsDiff(ref, got) < 0.03 * Tiny.maxAbs(ref), "error " + Tiny.maxAbsDiff(ref, got));
    // The compressed model survives the Compressor's own ONNX Runtime load check.
    Compressor.run(OnnxModel.of(m), List.of(new DynamicMatMulPass()), CTX, Map.of());
  }

  private static TensorProto init(ModelProto m, int type, int rank) {
    return m.getGraph().getInitializerList().stream()
        .filter(t -> t.getDataType() == type && t.getDimsCount() == rank)
        .findFirst()
        .orElseThrow();
  }
}
