package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.infercost.compress.internal.GatherWeightPass;
import dev.infercost.compress.internal.Initializers;
import dev.infercost.models.Models;
import java.nio.LongBuffer;
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
