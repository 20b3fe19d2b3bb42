package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.internal.DqScaleFoldPass;
import dev.infercost.compress.internal.Initializers;
import java.util.List;
import org.junit.jupiter.api.Test;

class DqScaleFoldPassTest {
  private static final long[] SHAPE = {2, 8};

  /** x → QuantizeLinear → DequantizeLinear → {@code tail} (which writes y). */
  private static ModelProto model(NodeProto... tail) {
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .setName("dq")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "n", 8))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "n", 8))
            .addInitializer(Tiny.floats("s", new float[] {0.02f}))
            .addInitializer(
                Initializers.ofBytes(
                    "z", TensorProto.DataType.UINT8, new long[0], new byte[] {(byte) 128}))
            .addInitializer(Tiny.floats("six", new float[] {6}))
            .addInitializer(Tiny.floats("half", new float[] {0.5f}))
            .addInitializer(Tiny.floats("minus", new float[] {-2}))
            .addInitializer(Tiny.floats("shift", new float[] {0.25f}))
            .addNode(Tiny.node("QuantizeLinear", "q", List.of("x", "s", "z"), List.of("xq")))
            .addNode(Tiny.node("DequantizeLinear", "dq", List.of("xq", "s", "z"), List.of("d")));
    for (NodeProto n : tail) {
      g.addNode(n);
    }
    return Tiny.model(g.build());
  }

  private static NodeProto node(String op, List<String> in, String out) {
    return Tiny.node(op, out + "_node", in, List.of(out));
  }

  private static ModelProto fold(ModelProto m) throws Exception {
    return new DqScaleFoldPass().apply(m, PassContext.of(NodeFilter.all())).model();
  }

  @Test
  void positiveScalarMulAndDivAfterADequantizeFoldIntoItsScale() throws Exception {
    ModelProto m =
        model(
            node("Div", List.of("d", "six"), "a"),
            node("Mul", List.of("half", "a"), "b"),
            node("Add", List.of("b", "shift"), "y"));
    PassResult r = new DqScaleFoldPass().apply(m, PassContext.of(NodeFilter.all()));
    assertEquals(List.of("a_node+b_node"), r.rewritten());
    assertEquals(
        List.of("QuantizeLinear", "DequantizeLinear", "Add"), Tiny.opTypes(r.model()), "one DQ");
    NodeProto dq = r.model().getGraph().getNode(1);
    assertEquals("b", dq.getOutput(0), "the DQ writes what the chain wrote");
    assertEquals(
        0.02f * 0.5f / 6,
        Initializers.floats(Tiny.initializer(r.model(), dq.getInput(1)))[0],
        1e-9);
    float[] x = Tiny.random(16, 3, 2f);
    float[] ref = Tiny.run(m, "x", SHAPE, x);
    assertArrayEquals(ref, Tiny.run(r.model(), "x", SHAPE, x), 1e-6f);
  }

  @Test
  void aNegativeFactorASharedDequantizeOrATensorFactorStays() throws Exception {
    List<ModelProto> kept =
        List.of(
            model(node("Mul", List.of("d", "minus"), "y")),
            model(node("Mul", List.of("d", "half"), "a"), node("Add", List.of("a", "d"), "y")),
            model(node("Mul", List.of("d", "d"), "y")),
            model(node("Div", List.of("six", "d"), "y")));
    for (ModelProto m : kept) {
      assertEquals(m, fold(m), Tiny.opTypes(m).toString());
    }
  }
}
