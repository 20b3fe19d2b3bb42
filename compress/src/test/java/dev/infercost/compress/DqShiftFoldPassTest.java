package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.internal.DqShiftFoldPass;
import dev.infercost.compress.internal.Initializers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DqShiftFoldPassTest {
  private static final long[] SHAPE = {2, 4, 6, 6};
  private static final float S = 0.05f; // the integer tensor's scale
  private static final float SHIFT = 0.37f; // 7 levels and δ = 0.02, 0.4 of a level
  private static final float S2 = 0.051f; // the sum's scale
  private static final int OUT = 3;
  private static final float[] WEIGHT_SCALES = {0.01f, 0.02f, 0.03f};

  @TempDir Path tmp;

  /** The knobs of {@link #model}; {@code shift} names the constant ("minus": a Sub of −b). */
  private record Shape(int kernel, boolean bias, boolean requantized, String shift, int biasMax) {}

  /**
   * x → QuantizeLinear(S, 100) → DequantizeLinear → Add(shift) → [QuantizeLinear(S2, 92) →
   * DequantizeLinear, when requantized] → Conv(int8 weight, int32 bias at S2 × weight scale) → y.
   */
  private static ModelProto model(Shape k) {
    int taps = 4 * k.kernel() * k.kernel();
    Random r = new Random(7);
    byte[] w = new byte[OUT * taps];
    for (int i = 0; i < w.length; i++) {
      w[i] = (byte) (r.nextInt(140) - 40); // a positive mean, so that δ · ΣW shows
    }
    int[] bias = {k.biasMax(), -700, 300};
    ByteBuffer raw = ByteBuffer.allocate(OUT * 4).order(ByteOrder.LITTLE_ENDIAN);
    raw.asIntBuffer().put(bias);
    float[] biasScales = new float[OUT];
    for (int o = 0; o < OUT; o++) {
      biasScales[o] = S2 * WEIGHT_SCALES[o];
    }
    String convInput = k.requantized() ? "yd" : "y";
    List<String> convInputs = new ArrayList<>(List.of(convInput, "wd"));
    if (k.bias()) {
      convInputs.add("bd");
    }
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .setName("shift")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "n", 4, 6, 6))
            .addOutput(Tiny.value("out", TensorProto.DataType.FLOAT, "n", OUT, 6, 6))
            .addInitializer(Tiny.floats("s", new float[] {S}))
            .addInitializer(Tiny.uint8("z", 100))
            .addInitializer(Tiny.floats("s2", new float[] {S2}))
            .addInitializer(Tiny.uint8("z2", 92))
            .addInitializer(Tiny.floats("shift", new float[] {SHIFT}))
            .addInitializer(Tiny.floats("shifts", new float[] {SHIFT, 0.1f, 0.2f, 0.3f}, 4, 1, 1))
            .addInitializer(
                Initializers.ofBytes(
                    "w", TensorProto.DataType.INT8, new long[] {OUT, 4, k.kernel(), k.kernel()}, w))
            .addInitializer(Tiny.floats("ws", WEIGHT_SCALES, OUT))
            .addInitializer(
                Initializers.ofBytes(
                    "wz", TensorProto.DataType.INT8, new long[] {OUT}, new byte[OUT]))
            .addInitializer(
                Initializers.ofBytes(
                    "b", TensorProto.DataType.INT32, new long[] {OUT}, raw.array()))
            .addInitializer(Tiny.floats("bs", biasScales, OUT))
            .addNode(Tiny.node("QuantizeLinear", "q", List.of("x", "s", "z"), List.of("xq")))
            .addNode(Tiny.node("DequantizeLinear", "dq", List.of("xq", "s", "z"), List.of("d")))
            .addInitializer(Tiny.floats("minus", new float[] {-SHIFT}))
            .addNode(
                Tiny.node(
                    k.shift().equals("minus") ? "Sub" : "Add",
                    "add",
                    List.of("d", k.shift()),
                    List.of("y")));
    if (k.requantized()) {
      g.addNode(Tiny.node("QuantizeLinear", "q2", List.of("y", "s2", "z2"), List.of("yq")))
          .addNode(Tiny.node("DequantizeLinear", "dq2", List.of("yq", "s2", "z2"), List.of("yd")));
    }
    g.addNode(
            Tiny.node(
                "DequantizeLinear",
                "wdq",
                List.of("w", "ws", "wz"),
                List.of("wd"),
                Tiny.intAttr("axis", 0)))
        .addNode(
            Tiny.node(
                "DequantizeLinear",
                "bdq",
                List.of("b", "bs"),
                List.of("bd"),
                Tiny.intAttr("axis", 0)))
        .addNode(
            Tiny.node(
                "Conv",
                "conv",
                convInputs,
                List.of("out"),
                Tiny.ints("pads", k.kernel() / 2, k.kernel() / 2, k.kernel() / 2, k.kernel() / 2)));
    return Tiny.model(g.build());
  }

  private static ModelProto fold(ModelProto m) throws Exception {
    return new DqShiftFoldPass().apply(m, PassContext.of(NodeFilter.all())).model();
  }

  /** The int32 rounding of the new bias: half a unit at the new scale, per output channel. */
  private static double biasRounding() {
    return 0.5 * S * WEIGHT_SCALES[OUT - 1] + 1e-5;
  }

  @Test
  void aShiftBeforeAConvFoldsIntoItsZeroPointAndItsBiasTakesBackTheRest() throws Exception {
    Shape shape = new Shape(1, true, true, "shift", 1000);
    ModelProto requantized = model(shape);
    ModelProto folded = fold(requantized);
    assertEquals(
        List.of(
            "QuantizeLinear", "DequantizeLinear", "DequantizeLinear", "DequantizeLinear", "Conv"),
        Tiny.opTypes(folded));
    Map<String, Integer> ops = Tiny.optimizedOps(folded, tmp);
    assertFalse(ops.containsKey("Add"), "ops: " + ops);
    float[] x = Tiny.random(2 * 4 * 36, 11, 1.2f);
    float[] exact = Tiny.run(model(new Shape(1, true, false, "shift", 1000)), "x", SHAPE, x);
    double err = Tiny.maxAbsDiff(exact, Tiny.run(folded, "x", SHAPE, x));
    assertTrue(err <= biasRounding(), "folded vs the sum read unrounded: " + err);
    double before = Tiny.maxAbsDiff(exact, Tiny.run(requantized, "x", SHAPE, x));
    assertTrue(before > 10 * biasRounding(), "the second rounding it removes: " + before);
  }

  /** {@code x − (−b)} is {@code x + b}: a Sub of a constant folds the same way. */
  @Test
  void aSubtractedConstantFoldsLikeAnAddedOne() throws Exception {
    ModelProto folded = fold(model(new Shape(1, true, true, "minus", 1000)));
    assertFalse(Tiny.opTypes(folded).contains("Sub"), Tiny.opTypes(folded).toString());
    float[] x = Tiny.random(2 * 4 * 36, 13, 1.2f);
    float[] exact = Tiny.run(model(new Shape(1, true, false, "shift", 1000)), "x", SHAPE, x);
    double err = Tiny.maxAbsDiff(exact, Tiny.run(folded, "x", SHAPE, x));
    assertTrue(err <= biasRounding(), "folded vs the sum read unrounded: " + err);
  }

  /** A padded tap reads δ where it read 0: exact inside, off by at most |δ| · Σ|W| at the edge. */
  @Test
  void aPaddedConvWithoutBiasIsExactInsideAndCloseAtTheBorder() throws Exception {
    ModelProto folded = fold(model(new Shape(3, false, true, "shift", 0)));
    assertFalse(Tiny.opTypes(folded).contains("Add"));
    float[] x = Tiny.random(2 * 4 * 36, 12, 1.2f);
    float[] exact = Tiny.run(model(new Shape(3, false, false, "shift", 0)), "x", SHAPE, x);
    float[] got = Tiny.run(folded, "x", SHAPE, x);
    double delta = Math.abs(SHIFT - S * Math.round(SHIFT / S));
    double border = 0;
    double inside = 0;
    for (int i = 0; i < got.length; i++) {
      int h = i / 6 % 6;
      int w = i % 6;
      double e = Math.abs(got[i] - exact[i]);
      if (h == 0 || h == 5 || w == 0 || w == 5) {
        border = Math.max(border, e);
      } else {
        inside = Math.max(inside, e);
      }
    }
    assertTrue(inside <= biasRounding(), "inside: " + inside);
    double bound = biasRounding() + delta * 127 * 4 * 9 * WEIGHT_SCALES[OUT - 1];
    assertTrue(border <= bound && border > inside, "border: " + border + " bound " + bound);
  }

  @Test
  void aTensorShiftOrABiasThatWouldLeaveInt32Stays() throws Exception {
    List<ModelProto> kept =
        List.of(
            model(new Shape(1, true, true, "shifts", 1000)),
            model(new Shape(1, true, true, "shift", Integer.MAX_VALUE - 10)));
    for (ModelProto m : kept) {
      assertEquals(m, fold(m));
    }
  }

  @Test
  void aSumThatIsAlsoAGraphOutputStays() throws Exception {
    ModelProto m = model(new Shape(1, true, true, "shift", 1000));
    GraphProto g =
        m.getGraph().toBuilder()
            .addOutput(Tiny.value("yq", TensorProto.DataType.UINT8, "n", 4, 6, 6))
            .build();
    ModelProto withOutput = m.toBuilder().setGraph(g).build();
    assertEquals(withOutput, fold(withOutput));
  }

  @Test
  void aReaderOtherThanAConvStays() throws Exception {
    ModelProto m = model(new Shape(1, true, true, "shift", 1000));
    GraphProto g =
        m.getGraph().toBuilder()
            .addNode(Tiny.node("Relu", "relu", List.of("yd"), List.of("r")))
            .addOutput(Tiny.value("r", TensorProto.DataType.FLOAT, "n", 4, 6, 6))
            .build();
    ModelProto withRelu = m.toBuilder().setGraph(g).build();
    assertEquals(withRelu, fold(withRelu));
  }
}
