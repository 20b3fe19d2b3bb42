package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.infercost.compress.internal.DqMoveFoldPass;
import dev.infercost.compress.internal.Initializers;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DqMoveFoldPassTest {
  private static final long[] CUBE = {1, 4, 4, 4};

  private static final long[] SHAPE = {2, 8};
  private static final int ZERO = 41;
  private static final float S = 0.05f;

  /**
   * x → QuantizeLinear(s, 41) → DequantizeLinear → Pad(1 each side of the last axis, {@code mode},
   * value {@code value}) → QuantizeLinear(s2, z2) → DequantizeLinear → y: the explicit padding of a
   * TensorFlow export between two integer kernels.
   */
  private static ModelProto model(String mode, Float value) {
    NodeProto.Builder pad = Tiny.node("Pad", "pad", List.of("d", "pads"), List.of("p")).toBuilder();
    if (value != null) {
      pad.addInput("value");
    }
    if (mode != null) {
      pad.addAttribute(
          ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
              .setName("mode")
              .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.STRING)
              .setS(ByteString.copyFromUtf8(mode)));
    }
    GraphProto.Builder g =
        quantized("pad", Tiny.value("x", TensorProto.DataType.FLOAT, "n", 8))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "n", 10))
            .addInitializer(Tiny.floats("value", new float[] {value == null ? 0 : value}))
            .addInitializer(Initializers.ofLongs("pads", new long[] {0, 1, 0, 1}))
            .addNode(pad);
    return Tiny.model(requantized(g, "p").build());
  }

  /** A graph of {@code x} → QuantizeLinear(s, 41) → DequantizeLinear → d, and s2, z2 to come. */
  private static GraphProto.Builder quantized(String name, ai.onnx.proto.OnnxMl.ValueInfoProto x) {
    return GraphProto.newBuilder()
        .setName(name)
        .addInput(x)
        .addInitializer(Tiny.floats("s", new float[] {S}))
        .addInitializer(Tiny.uint8("z", ZERO))
        .addInitializer(Tiny.floats("s2", new float[] {0.06f}))
        .addInitializer(Tiny.uint8("z2", 30))
        .addNode(Tiny.node("QuantizeLinear", "q", List.of("x", "s", "z"), List.of("xq")))
        .addNode(Tiny.node("DequantizeLinear", "dq", List.of("xq", "s", "z"), List.of("d")));
  }

  /** {@code g} with {@code v} → QuantizeLinear(0.06, 30) → DequantizeLinear → y. */
  private static GraphProto.Builder requantized(GraphProto.Builder g, String v) {
    return g.addNode(Tiny.node("QuantizeLinear", "q2", List.of(v, "s2", "z2"), List.of("vq")))
        .addNode(Tiny.node("DequantizeLinear", "dq2", List.of("vq", "s2", "z2"), List.of("y")));
  }

  private static ModelProto fold(ModelProto m) throws Exception {
    return new DqMoveFoldPass().apply(m, PassContext.of(NodeFilter.all())).model();
  }

  /** The input's levels read at its own scale, padded with {@code left}/{@code right} per row. */
  private static float[] exact(float[] x, String mode, float value) {
    float[] out = new float[2 * 10];
    for (int r = 0; r < 2; r++) {
      float[] row = new float[8];
      for (int i = 0; i < 8; i++) {
        long q = Math.max(0, Math.min(255, Math.round(x[r * 8 + i] / S) + ZERO));
        row[i] = S * (q - ZERO);
      }
      out[r * 10] = mode.equals("edge") ? row[0] : value;
      out[r * 10 + 9] = mode.equals("edge") ? row[7] : value;
      System.arraycopy(row, 0, out, r * 10 + 1, 8);
    }
    return out;
  }

  @Test
  void aZeroPadRunsOnTheIntegersExactlyAtTheInputsLevels() throws Exception {
    ModelProto m = model(null, null);
    ModelProto folded = fold(m);
    assertEquals(List.of("QuantizeLinear", "Pad", "DequantizeLinear"), Tiny.opTypes(folded));
    NodeProto pad = folded.getGraph().getNode(1);
    assertEquals("xq", pad.getInput(0), "the Pad reads the uint8 input");
    float[] x = Tiny.random(16, 5, 3f);
    float[] want = exact(x, "constant", 0);
    double err = Tiny.maxAbsDiff(want, Tiny.run(folded, "x", SHAPE, x));
    assertTrue(err < 1e-6, "folded: " + err);
    double before = Tiny.maxAbsDiff(want, Tiny.run(m, "x", SHAPE, x));
    assertTrue(before > 1e-3, "the requantization it removes rounds: " + before);
  }

  @Test
  void aPadValueOnALevelAndEdgePaddingFoldTooAndOneBetweenLevelsStays() throws Exception {
    float[] x = Tiny.random(16, 6, 3f);
    ModelProto level = fold(model("constant", 3 * S));
    assertEquals("Pad", level.getGraph().getNode(1).getOpType());
    assertTrue(Tiny.maxAbsDiff(exact(x, "constant", 3 * S), Tiny.run(level, "x", SHAPE, x)) < 1e-6);
    ModelProto edge = fold(model("edge", null));
    assertEquals("Pad", edge.getGraph().getNode(1).getOpType());
    assertTrue(Tiny.maxAbsDiff(exact(x, "edge", 0), Tiny.run(edge, "x", SHAPE, x)) < 1e-6);
    ModelProto between = model("constant", 0.4f * S);
    assertEquals(between, fold(between));
  }

  @Test
  void aPaddedValueThatIsAlsoAGraphOutputOrAnOpsetBefore11Stays() throws Exception {
    ModelProto m = model(null, null);
    ModelProto pinned =
        m.toBuilder()
            .setGraph(
                m.getGraph().toBuilder()
                    .addOutput(Tiny.value("vq", TensorProto.DataType.UINT8, "n", 10)))
            .build();
    assertEquals(pinned, fold(pinned));
    ModelProto old =
        m.toBuilder()
            .clearOpsetImport()
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(10))
            .build();
    assertEquals(old, fold(old));
  }

  /**
   * x [1, 4, 4, 4] → QuantizeLinear(s, 41) → DequantizeLinear → {@code op} → ({@code requantized}:
   * QuantizeLinear(0.06, 30) → DequantizeLinear) → y.
   */
  private static ModelProto moved(String op, boolean requantized) {
    NodeProto.Builder n =
        Tiny.node(op, "move", List.of("d"), List.of(requantized ? "m" : "y")).toBuilder();
    GraphProto.Builder g =
        quantized("move", Tiny.value("x", TensorProto.DataType.FLOAT, 1, 4, 4, 4))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT));
    switch (op) {
      case "Slice" -> {
        g.addInitializer(Initializers.ofLongs("starts", new long[] {1}));
        g.addInitializer(Initializers.ofLongs("ends", new long[] {3}));
        g.addInitializer(Initializers.ofLongs("axes", new long[] {1}));
        n.addInput("starts").addInput("ends").addInput("axes");
      }
      case "DepthToSpace" -> n.addAttribute(Tiny.intAttr("blocksize", 2));
      case "Tile" -> {
        g.addInitializer(Initializers.ofLongs("reps", new long[] {1, 1, 2, 2}));
        n.addInput("reps");
      }
      case "Expand" -> {
        g.addInitializer(Initializers.ofLongs("shape", new long[] {2, 4, 4, 4}));
        n.addInput("shape");
      }
      default -> throw new IllegalArgumentException(op);
    }
    g.addNode(n);
    return Tiny.model((requantized ? requantized(g, "m") : g).build());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Slice", "DepthToSpace", "Tile", "Expand"})
  void anOpThatMovesValuesRunsOnTheIntegersExactly(String op) throws Exception {
    ModelProto m = moved(op, true);
    ModelProto folded = fold(m);
    assertEquals(List.of("QuantizeLinear", op, "DequantizeLinear"), Tiny.opTypes(folded));
    float[] x = Tiny.random(64, 7, 3f);
    float[] want = Tiny.run(moved(op, false), "x", CUBE, x);
    assertTrue(Tiny.maxAbsDiff(want, Tiny.run(folded, "x", CUBE, x)) < 1e-6, op);
    assertTrue(Tiny.maxAbsDiff(want, Tiny.run(m, "x", CUBE, x)) > 1e-3, "requantization rounds");
  }

  @Test
  void aReflectPadDropsItsFloatValueAndAPadValueThatIsNoScalarStays() throws Exception {
    ModelProto reflect = model("reflect", 0f);
    ModelProto folded = fold(reflect);
    NodeProto pad = folded.getGraph().getNode(1);
    assertEquals("Pad", pad.getOpType());
    assertEquals("", pad.getInput(2), "a float pad value would clash with the uint8 data");
    float[] x = Tiny.random(16, 8, 0.5f); // inside both Qs' ranges
    assertTrue(
        Tiny.maxAbsDiff(Tiny.run(reflect, "x", SHAPE, x), Tiny.run(folded, "x", SHAPE, x))
            <= 0.06f);
    ModelProto m = model("constant", 0f);
    GraphProto.Builder g = m.getGraph().toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      if (g.getInitializer(i).getName().equals("value")) {
        g.setInitializer(i, Tiny.floats("value", new float[] {0, 0}, 2));
      }
    }
    ModelProto vector = m.toBuilder().setGraph(g).build();
    assertEquals(vector, fold(vector));
  }

  @Test
  void int8DataFoldsButDepthToSpaceWhichOnnxRuntimeRunsOnUint8Only() throws Exception {
    for (String op : List.of("DepthToSpace", "Tile")) {
      ModelProto m = moved(op, true);
      GraphProto.Builder g = m.getGraph().toBuilder();
      for (int i = 0; i < g.getInitializerCount(); i++) {
        String name = g.getInitializer(i).getName();
        if (name.equals("z") || name.equals("z2")) {
          g.setInitializer(
              i,
              Initializers.ofBytes(name, TensorProto.DataType.INT8, new long[0], new byte[] {3}));
        }
      }
      ModelProto int8 = m.toBuilder().setGraph(g).build();
      ModelProto folded = fold(int8);
      if (op.equals("DepthToSpace")) {
        assertEquals(int8, folded);
      } else {
        assertEquals(List.of("QuantizeLinear", op, "DequantizeLinear"), Tiny.opTypes(folded));
        float[] x = Tiny.random(64, 9, 3f);
        assertTrue(
            Tiny.maxAbsDiff(Tiny.run(int8, "x", CUBE, x), Tiny.run(folded, "x", CUBE, x)) <= 0.06f);
      }
    }
  }
}
