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
  void storesTheTableAsUint8RowByRowAndDequantizesOnlyGatheredRows() throws Exception {
    float[] table = Tiny.random(800, 1, 0.5f);
    // Row 99 is an outlier, 100 times wider than the others: with one scale for the whole table
    // every other row would lose its precision.
    for (int c = 0; c < 8; c++) {
      table[99 * 8 + c] *= 100;
    }
    ModelProto m = embedding(table);
    PassResult r = new GatherWeightPass().apply(m, CTX);
    assertEquals(List.of("emb"), r.rewritten());
    assertEquals(
        List.of("Gather", "Gather", "Gather", "Cast", "Mul", "Add"), Tiny.opTypes(r.model()));
    TensorProto q =
        r.model().getGraph().getInitializerList().stream()
            .filter(t -> t.getDataType() == TensorProto.DataType.UINT8_VALUE)
            .findFirst()
            .orElseThrow();
    assertEquals(800, q.getRawData().size());

    long[] ids = {0, 5, 99, 42};
    float[] ref = run(m, ids);
    float[] got = run(r.model(), ids);
    for (int i = 0; i < ids.length; i++) {
      float min = Float.MAX_VALUE;
      float max = -Float.MAX_VALUE;
      for (int c = 0; c < 8; c++) {
        min = Math.min(min, table[(int) ids[i] * 8 + c]);
        max = Math.max(max, table[(int) ids[i] * 8 + c]);
      }
      for (int c = 0; c < 8; c++) {
        float d = Math.abs(ref[i * 8 + c] - got[i * 8 + c]);
        assertTrue(d <= (max - min) / 255 / 2 + 1e-5, "row " + ids[i] + ": within half its step");
      }
    }
  }

  @Test
  void aTableOfOtherRankKeepsOneScale() throws Exception {
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Tiny.value("ids", TensorProto.DataType.INT64, "n"))
            .addOutput(Tiny.value("e", TensorProto.DataType.FLOAT, "n", 4, 2))
            .addInitializer(
                Initializers.ofFloats("table", new long[] {10, 4, 2}, Tiny.random(80, 3, 1f)))
            .addNode(Tiny.node("Gather", "emb", List.of("table", "ids"), List.of("e")))
            .build();
    PassResult r = new GatherWeightPass().apply(Tiny.model(g), CTX);
    assertEquals(List.of("Gather", "DequantizeLinear"), Tiny.opTypes(r.model()));
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
