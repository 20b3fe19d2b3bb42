package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.internal.DqClipFoldPass;
import java.util.List;
import org.junit.jupiter.api.Test;

class DqClipFoldPassTest {
  private static final long[] SHAPE = {2, 8};
  private static final int ZERO = 41;

  /**
   * x → QuantizeLinear(s, 41) → DequantizeLinear → Add(3) → Clip(0, 6) → QuantizeLinear(6 / 255, 0)
   * → DequantizeLinear → y: the hard-swish's clip between a Conv and the integer product.
   */
  private static ModelProto model(float s) {
    return model(s, 0, 6);
  }

  private static ModelProto model(float s, float lo, float hi) {
    GraphProto g =
        GraphProto.newBuilder()
            .setName("clip")
            .addInput(Tiny.value("x", TensorProto.DataType.FLOAT, "n", 8))
            .addOutput(Tiny.value("y", TensorProto.DataType.FLOAT, "n", 8))
            .addInitializer(Tiny.floats("s", new float[] {s}))
            .addInitializer(Tiny.uint8("z", ZERO))
            .addInitializer(Tiny.floats("three", new float[] {3}))
            .addInitializer(Tiny.floats("zero", new float[] {lo}))
            .addInitializer(Tiny.floats("six", new float[] {hi}))
            .addInitializer(Tiny.floats("s3", new float[] {6f / 255}))
            .addInitializer(Tiny.uint8("z3", 0))
            .addNode(Tiny.node("QuantizeLinear", "q", List.of("x", "s", "z"), List.of("xq")))
            .addNode(Tiny.node("DequantizeLinear", "dq", List.of("xq", "s", "z"), List.of("d")))
            .addNode(Tiny.node("Add", "plus3", List.of("d", "three"), List.of("a")))
            .addNode(Tiny.node("Clip", "clip", List.of("a", "zero", "six"), List.of("c")))
            .addNode(Tiny.node("QuantizeLinear", "q3", List.of("c", "s3", "z3"), List.of("cq")))
            .addNode(Tiny.node("DequantizeLinear", "dq3", List.of("cq", "s3", "z3"), List.of("y")))
            .build();
    return Tiny.model(g);
  }

  private static ModelProto fold(ModelProto m) throws Exception {
    return new DqClipFoldPass().apply(m, PassContext.of(NodeFilter.all())).model();
  }

  /** Clip(DQ(Q(x)) + 3, 0, 6) in exact arithmetic: what the Clip reads, with nothing re-rounded. */
  private static float[] exact(float[] x, float s) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      long q = Math.max(0, Math.min(255, Math.round(x[i] / s) + ZERO));
      out[i] = (float) Math.max(0, Math.min(6, s * (q - ZERO) + 3.0));
    }
    return out;
  }

  @Test
  void aShiftedClipOnGridPointsRunsOnTheIntegersExactly() throws Exception {
    float s = 3f / 40; // −3 and +3 are 40 levels from 0
    ModelProto m = model(s);
    ModelProto folded = fold(m);
    assertEquals(List.of("QuantizeLinear", "Clip", "DequantizeLinear"), Tiny.opTypes(folded));
    assertEquals("xq", folded.getGraph().getNode(1).getInput(0), "the Clip reads the uint8 input");
    float[] x = Tiny.random(16, 5, 3f);
    float[] want = exact(x, s);
    double err = Tiny.maxAbsDiff(want, Tiny.run(folded, "x", SHAPE, x));
    assertTrue(err < 1e-5, "folded: " + err);
    double before = Tiny.maxAbsDiff(want, Tiny.run(m, "x", SHAPE, x));
    assertTrue(before > 1e-3, "the requantization it removes rounds: " + before);
  }

  @Test
  void aClipBetweenLevelsOrBeyondTheRangeStays() throws Exception {
    List<ModelProto> kept =
        List.of(
            model(0.07f), // 3 / 0.07 is not a whole number of levels
            model(
                3f / 40, 30, 36)); // every value clips to 30, which uint8 at this scale cannot hold
    for (ModelProto m : kept) {
      assertEquals(m, fold(m));
    }
  }

  /** Two shifted Clips in a row: the second's DQ is rescaled by the first fold, so it stays. */
  @Test
  void aSecondClipReadingAFoldedOneStays() throws Exception {
    ModelProto one = model(3f / 40);
    GraphProto g =
        one.getGraph().toBuilder()
            .clearOutput()
            .addOutput(Tiny.value("y2", TensorProto.DataType.FLOAT, "n", 8))
            .addNode(Tiny.node("Add", "plus3b", List.of("y", "three"), List.of("a2")))
            .addNode(Tiny.node("Clip", "clipb", List.of("a2", "zero", "six"), List.of("c2")))
            .addNode(Tiny.node("QuantizeLinear", "q4", List.of("c2", "s3", "z3"), List.of("cq2")))
            .addNode(
                Tiny.node("DequantizeLinear", "dq4", List.of("cq2", "s3", "z3"), List.of("y2")))
            .build();
    ModelProto two = one.toBuilder().setGraph(g).build();
    ModelProto folded = fold(two);
    assertEquals(1, Tiny.opTypes(folded).stream().filter("Add"::equals).count());
    float[] x = Tiny.random(16, 6, 3f);
    double err = Tiny.maxAbsDiff(Tiny.run(two, "x", SHAPE, x), Tiny.run(folded, "x", SHAPE, x));
    assertTrue(err <= 6f / 255, "at most the one requantization it removed: " + err);
  }

  @Test
  void theGridIsSnappedToTheClipsPointsNeverCoarser() {
    float[] hardSwish = {3, 0, 6}; // Clip(x + 3, 0, 6)
    float lo = -3.2f;
    float hi = 20f;
    float calibrated = (hi - lo) / 255;
    float[] p = DqClipFoldPass.snap(hardSwish, lo, hi);
    assertNotNull(p);
    double levels = 3 / p[0];
    assertEquals(Math.rint(levels), levels, 1e-4, "±3 and the shift of 3 are levels");
    assertTrue(p[0] <= calibrated && p[0] > calibrated * levels / (levels + 1), "step " + p[0]);
    assertEquals(Math.round(-lo / p[0]), p[1], "the low end stays where it was");
    assertNull(
        DqClipFoldPass.snap(new float[] {1, -2, 3.55f}, -4, 4), "1 and 2.55: no common step");
    assertNull(
        DqClipFoldPass.snap(new float[] {0.01f, 0, 6}, -1, 24),
        "a shift below one level would need a step that gives up most of the range");
  }
}
