package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.internal.Initializers;
import dev.infercost.compress.internal.ShareInitializersPass;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShareInitializersTest {
  private static final int K = 64;

  /**
   * Three MatMuls sharing one weight the way PyTorch exports a layer used three times: the first
   * reads it, the others read Identity copies of it, which constant folding turns into copies.
   */
  private static ModelProto sharedLayers() {
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "batch", K))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "batch", K))
            .addInitializer(
                Initializers.ofFloats("W", new long[] {K, K}, Tiny.random(K * K, 3, 0.3f)))
            .addNode(Tiny.node("Identity", "id1", List.of("W"), List.of("W1")))
            .addNode(Tiny.node("Identity", "id2", List.of("W"), List.of("W2")))
            .addNode(Tiny.node("MatMul", "mm0", List.of("x", "W"), List.of("h0")))
            .addNode(Tiny.node("MatMul", "mm1", List.of("h0", "W1"), List.of("h1")))
            .addNode(Tiny.node("MatMul", "mm2", List.of("h1", "W2"), List.of("y")))
            .build();
    return Tiny.model(g);
  }

  private static long int8Tensors(ModelProto m) {
    return m.getGraph().getInitializerList().stream()
        .filter(t -> t.getDataType() == TensorProto.DataType.INT8_VALUE)
        .filter(t -> Initializers.bytes(t) == K * K)
        .count();
  }

  @Test
  void aWeightSharedByThreeLayersIsQuantizedIntoOneCopy() throws Exception {
    ModelProto m = sharedLayers();
    CompressResult r =
        Compressor.quantizeDynamic(OnnxModel.of(m), QuantOptions.defaults(), List.of());
    ModelProto q = r.model().proto();
    assertEquals(3, r.passes().get(1).rewritten().size(), "every MatMul quantized");
    assertEquals(1, int8Tensors(q), "one int8 weight");
    PassSummary share = r.passes().get(r.passes().size() - 1);
    assertEquals("share-initializers", share.pass());
    assertEquals(List.of("2 identical initializers stored once (8192 bytes saved)"), share.notes());
    assertTrue(
        q.getSerializedSize() < m.getSerializedSize() / 2,
        q.getSerializedSize() + " bytes against " + m.getSerializedSize());
    float[] x = Tiny.random(2 * K, 9, 1f);
    float[] ref = Tiny.run(m, "x", new long[] {2, K}, x);
    float[] got = Tiny.run(q, "x", new long[] {2, K}, x);
    double err = Tiny.maxAbsDiff(ref, got);
    assertTrue(err < 0.05 * Tiny.maxAbs(ref), "error " + err);
  }

  @Test
  void smoothQuantLeavesASharedWeightShared() throws Exception {
    ModelProto m = sharedLayers();
    List<List<Tensor>> calib =
        List.of(List.of(Tensor.ofFloats("x", new long[] {4, K}, Tiny.random(4 * K, 5, 1f))));
    QuantOptions smooth = QuantOptions.defaults();
    smooth =
        new QuantOptions(smooth.filter(), true, smooth.reducedRange(), smooth.embeddings(), 0.5);
    CompressResult r = Compressor.quantizeDynamic(OnnxModel.of(m), smooth, calib);
    assertEquals(1, int8Tensors(r.model().proto()), "one int8 weight");
    PassSummary sq =
        r.passes().stream().filter(p -> p.pass().equals("smoothquant")).findFirst().orElseThrow();
    assertTrue(sq.rewritten().isEmpty(), sq.rewritten().toString());
    assertTrue(
        sq.skipped().stream().allMatch(x -> x.endsWith("is shared with other nodes")),
        sq.skipped().toString());
  }

  @Test
  void staticInt8SharesTheCopiesToo() throws Exception {
    ModelProto m = sharedLayers();
    List<List<Tensor>> calib =
        List.of(List.of(Tensor.ofFloats("x", new long[] {4, K}, Tiny.random(4 * K, 5, 1f))));
    CompressResult r = Compressor.quantizeStatic(OnnxModel.of(m), QuantOptions.defaults(), calib);
    assertEquals(1, int8Tensors(r.model().proto()), "one int8 weight");
  }

  @Test
  void namesTheGraphExposesAndSmallTensorsAreLeftAlone() throws Exception {
    float[] w = Tiny.random(K * K, 3, 0.3f);
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "batch", K))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "batch", K))
            .addOutput(Tiny.value("W2", TensorProto.DataType.FLOAT, K, K))
            .addInput(Tiny.value("W3", TensorProto.DataType.FLOAT, K, K))
            .addInitializer(Initializers.ofFloats("W", new long[] {K, K}, w))
            .addInitializer(Initializers.ofFloats("W2", new long[] {K, K}, w))
            .addInitializer(Initializers.ofFloats("W3", new long[] {K, K}, w))
            .addInitializer(Initializers.ofFloats("b", new long[] {K}, new float[K]))
            .addInitializer(Initializers.ofFloats("b2", new long[] {K}, new float[K]))
            .addNode(Tiny.node("MatMul", "mm0", List.of("x", "W"), List.of("m0")))
            .addNode(Tiny.node("MatMul", "mm1", List.of("m0", "W3"), List.of("h0")))
            .addNode(Tiny.node("Add", "a0", List.of("h0", "b"), List.of("h1")))
            .addNode(Tiny.node("Add", "a1", List.of("h1", "b2"), List.of("y")))
            .build();
    ModelProto m = Tiny.model(g);
    PassResult r = new ShareInitializersPass().apply(m, PassContext.of(NodeFilter.all()));
    assertEquals(
        m,
        r.model(),
        "a graph output and an overridable input keep their names; 256-byte vectors stay copies");
    assertTrue(r.notes().isEmpty());
  }
}
