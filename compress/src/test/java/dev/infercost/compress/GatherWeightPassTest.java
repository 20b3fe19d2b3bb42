package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.infercost.compress.internal.GatherWeightPass;
import dev.infercost.compress.internal.Graphs;
import dev.infercost.compress.internal.Initializers;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Tensor;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatherWeightPassTest {
  private static final PassContext CTX = PassContext.of(NodeFilter.all());

  static ModelProto embedding(float[] table) {
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("ids", TensorProto.DataType.INT64, "batch", "seq"))
            .addOutput(Tiny.value("e", TensorProto.DataType.FLOAT, "batch", "seq", 8))
            .addInitializer(Initializers.ofFloats("table", new long[] {100, 8}, table))
            .addNode(Tiny.node("Gather", "emb", List.of("table", "ids"), List.of("e")))
            .build();
    return Tiny.model(g);
  }

  @Test
  void storesTheTableAsUint8AndDequantizesOnlyGatheredRows() throws Exception {
    float[] table = Tiny.random(800, 1, 0.5f);
    ModelProto m = embedding(table);
    PassResult r = new GatherWeightPass().apply(m, CTX);
    assertEquals(List.of("emb"), r.rewritten());
    assertEquals(List.of("Gather", "DequantizeLinear"), Tiny.opTypes(r.model()));
    TensorProto q = r.model().getGraph().getInitializer(0);
    assertEquals(TensorProto.DataType.UINT8_VALUE, q.getDataType());
    assertEquals(800, q.getRawData().size());

    long[] ids = {0, 5, 99, 42};
    float[] ref = run(m, ids);
    float[] got = run(r.model(), ids);
    double range = Tiny.maxAbs(table) * 2;
    assertTrue(Tiny.maxAbsDiff(ref, got) <= range / 255 / 2 + 1e-6, "within half a step");
  }

  @Test
  void excludedByFilter() {
    var ctx = PassContext.of(new NodeFilter(List.of(), List.of("Gather")));
    assertTrue(
        new GatherWeightPass()
            .apply(embedding(Tiny.random(800, 2, 1f)), ctx)
            .rewritten()
            .isEmpty());
  }

  @Test
  void staticInt8StoresTheTableIn8BitsUnlessAskedNotTo() throws Exception {
    // ids → Gather(table) → MatMul(w): an embedding before a quantized layer, as in a text model.
    float[] table = Tiny.random(800, 3, 0.5f);
    GraphProto g =
        embedding(table).getGraph().toBuilder()
            .clearOutput()
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "batch", "seq", 4))
            .addInitializer(Initializers.ofFloats("w", new long[] {8, 4}, Tiny.random(32, 4, 1f)))
            .addNode(Tiny.node("MatMul", "proj", List.of("e", "w"), List.of("y")))
            .build();
    OnnxModel m = OnnxModel.of(Tiny.model(g));
    List<List<Tensor>> batches = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      long[] ids = new long[6];
      for (int k = 0; k < ids.length; k++) {
        ids[k] = (i * 37 + k * 11) % 100;
      }
      batches.add(List.of(Tensor.ofLongs("ids", new long[] {1, ids.length}, ids)));
    }
    CalibrationStats stats = Compressor.calibrate(m, batches);
    CompressResult on = Compressor.quantizeStaticCpu(m, StaticOptions.defaults(), stats);
    assertEquals(List.of("emb"), rewrittenBy(on, "int8-gather-weights"));
    assertEquals(
        TensorProto.DataType.UINT8_VALUE,
        Graphs.initializers(on.model().proto().getGraph()).values().stream()
            .filter(t -> t.getDimsCount() == 2 && t.getDims(0) == 100)
            .findFirst()
            .orElseThrow()
            .getDataType());
    assertEquals("true", on.options().get("embeddings"));
    CompressResult off =
        Compressor.quantizeStaticCpu(
            m, StaticOptions.builder().optEmbeddings(false).build(), stats);
    assertEquals(List.of(), rewrittenBy(off, "int8-gather-weights"));
    assertTrue(
        Graphs.initializers(off.model().proto().getGraph()).get("table").getDataType()
            == TensorProto.DataType.FLOAT_VALUE);
    long[] ids = {0, 5, 99, 42};
    float[] ref = run(m.proto(), ids);
    float[] got = run(on.model().proto(), ids);
    float[] floatTable = run(off.model().proto(), ids);
    // The 8-bit table adds at most its own half step, carried through the projection.
    double step = Tiny.maxAbs(table) * 2 / 255 / 2;
    assertTrue(
        Tiny.maxAbsDiff(ref, got) <= Tiny.maxAbsDiff(ref, floatTable) + step * 8 * 1.5,
        Tiny.maxAbsDiff(ref, got) + " vs " + Tiny.maxAbsDiff(ref, floatTable));
  }

  private static List<String> rewrittenBy(CompressResult r, String pass) {
    return r.passes().stream()
        .filter(p -> p.pass().equals(pass))
        .flatMap(p -> p.rewritten().stream())
        .toList();
  }

  private static float[] run(ModelProto m, long[] ids) throws Exception {
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession s = Models.ortEnvironment().createSession(m.toByteArray(), o);
        OnnxTensor t =
            OnnxTensor.createTensor(
                Models.ortEnvironment(), LongBuffer.wrap(ids), new long[] {1, ids.length});
        OrtSession.Result r = s.run(Map.of("ids", t))) {
      var b = ((OnnxTensor) r.get(0)).getFloatBuffer();
      float[] out = new float[b.remaining()];
      b.get(out);
      return out;
    }
  }
}
