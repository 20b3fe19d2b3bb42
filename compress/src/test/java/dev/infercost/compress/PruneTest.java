package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.infercost.base.Parameter;
import dev.infercost.compress.TinyEncoder.Spec;
import dev.infercost.compress.TinyEncoder.Weights;
import dev.infercost.compress.internal.Initializers;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Compressor#prune} and {@link PruneOptions} on tiny encoders built in code. */
class PruneTest {
  private static final List<List<Tensor>> CALIB = TinyEncoder.batches(24, 7);
  private static final List<List<Tensor>> HELD_OUT = TinyEncoder.batches(8, 99);

  private static CompressResult prune(ModelProto m, PruneOptions o) throws CompressException {
    return Compressor.prune(OnnxModel.of(m), o, CALIB);
  }

  /** Squared output error of {@code b} against {@code a} over the held-out batches. */
  private static double error(ModelProto a, ModelProto b) throws Exception {
    double e = 0;
    for (List<Tensor> batch : HELD_OUT) {
      Tensor x = batch.get(0);
      float[] ya = Tiny.run(a, "x", x.shape(), x.toFloats());
      float[] yb = Tiny.run(b, "x", x.shape(), x.toFloats());
      for (int i = 0; i < ya.length; i++) {
        e += (ya[i] - yb[i]) * (ya[i] - yb[i]);
      }
    }
    return e;
  }

  private static double maxDiff(ModelProto a, ModelProto b) throws Exception {
    double m = 0;
    for (List<Tensor> batch : HELD_OUT) {
      Tensor x = batch.get(0);
      m =
          Math.max(
              m,
              Tiny.maxAbsDiff(
                  Tiny.run(a, "x", x.shape(), x.toFloats()),
                  Tiny.run(b, "x", x.shape(), x.toFloats())));
    }
    return m;
  }

  private static long[] dims(ModelProto m, String name) {
    return Initializers.dims(Tiny.init(m, name));
  }

  @Test
  void aNeuronWithZeroImportanceIsRemovedWithoutChangingTheOutputs() throws Exception {
    Weights w = new Weights();
    int[] dead = {1, 6, 11, 14};
    for (int j : dead) {
      for (int i = 0; i < TinyEncoder.D; i++) {
        w.w1[i * TinyEncoder.M + j] = 0;
      }
      w.b1[j] = 0; // GELU(0) = 0 on every token: no variance, no mean
    }
    ModelProto m = TinyEncoder.build(new Spec(false, true, false, 1), w);
    for (boolean reconstruct : new boolean[] {false, true}) {
      PruneOptions o =
          PruneOptions.builder(0.25).optHeads(false).optReconstruct(reconstruct).build();
      ModelProto p = prune(m, o).model().proto();
      assertArrayEquals(new long[] {TinyEncoder.D, 12}, dims(p, "up.W"));
      assertArrayEquals(new long[] {12}, dims(p, "up.b"));
      assertArrayEquals(new long[] {12, TinyEncoder.D}, dims(p, "down.W"));
      // The kept columns are the live ones, in order.
      float[] before = Initializers.floats(Tiny.init(m, "up.W"));
      float[] after = Initializers.floats(Tiny.init(p, "up.W"));
      assertEquals(before[2], after[1], 0f, "column 2 is the second kept column");
      assertTrue(maxDiff(m, p) < 1e-5, "outputs unchanged within 1e-5: " + maxDiff(m, p));
    }
  }

  @Test
  void aHeadWithZeroImportanceIsRemovedWithoutChangingTheOutputs() throws Exception {
    Weights w = new Weights();
    int dead = 2;
    for (int i = 0; i < TinyEncoder.D; i++) {
      for (int j = dead * TinyEncoder.HEAD; j < (dead + 1) * TinyEncoder.HEAD; j++) {
        w.wv[i * TinyEncoder.D + j] = 0;
        w.bv[j] = 0; // the head's values, hence its context, are 0 on every token
      }
    }
    ModelProto m = TinyEncoder.build(new Spec(true, false, false, 1), w);
    PruneOptions o = PruneOptions.builder(0.25).optFfn(false).optReconstruct(false).build();
    CompressResult r = prune(m, o);
    ModelProto p = r.model().proto();
    assertArrayEquals(new long[] {TinyEncoder.D, 6}, dims(p, "query.W"));
    assertArrayEquals(new long[] {6, TinyEncoder.D}, dims(p, "attn_out.W"));
    assertTrue(maxDiff(m, p) < 1e-5, "outputs unchanged within 1e-5: " + maxDiff(m, p));
    assertTrue(
        r.passes().get(1).notes().get(0).contains("kept 3/4 heads"),
        r.passes().get(1).notes().toString());
  }

  @Test
  void headPruningRewritesTheShapeConstantsAndTheGraphRuns() throws Exception {
    for (boolean constShapes : new boolean[] {false, true}) {
      ModelProto m = TinyEncoder.build(new Spec(true, true, constShapes, 1), new Weights());
      PruneOptions o = PruneOptions.builder(0.5).optFfn(false).build();
      ModelProto p = prune(m, o).model().proto(); // prune() has ONNX Runtime load it
      int kept = (int) dims(p, "query.W")[1] / TinyEncoder.HEAD;
      assertEquals(2, kept, "half the heads");
      for (String name : List.of("key.W", "value.W")) {
        assertEquals(kept * TinyEncoder.HEAD, dims(p, name)[1]);
      }
      assertEquals(kept * TinyEncoder.HEAD, dims(p, "attn_out.W")[0]);
      for (String split : List.of("q", "k", "v")) {
        long[] s = shapeOf(p, split + "/Reshape");
        assertEquals(kept, s[2], split + " head count");
        assertEquals(TinyEncoder.HEAD, s[3]);
      }
      assertEquals(kept * TinyEncoder.HEAD, shapeOf(p, "merge/Reshape")[2], "merged width");
      // Runs at sequence lengths calibration never saw, outputs shaped as before.
      Tensor x = TinyEncoder.batches(1, 5).get(0).get(0);
      float[] y = Tiny.run(p, "x", new long[] {1, 2, TinyEncoder.D}, new float[2 * TinyEncoder.D]);
      assertEquals(2 * TinyEncoder.D, y.length);
      assertEquals(x.elementCount(), Tiny.run(p, "x", x.shape(), x.toFloats()).length);
    }
  }

  /** The constant entries of a Reshape's shape (its initializer, or its Concat's constants). */
  private static long[] shapeOf(ModelProto p, String reshape) {
    NodeProto r = node(p, reshape);
    String s = r.getInput(1);
    var init = p.getGraph().getInitializerList();
    for (var t : init) {
      if (t.getName().equals(s)) {
        return Initializers.longs(t);
      }
    }
    NodeProto concat =
        p.getGraph().getNodeList().stream()
            .filter(n -> n.getOutput(0).equals(s))
            .findFirst()
            .orElseThrow();
    long[] out = new long[concat.getInputCount()];
    for (int i = 0; i < out.length; i++) {
      String in = concat.getInput(i);
      out[i] =
          init.stream()
              .filter(t -> t.getName().equals(in))
              .findFirst()
              .map(t -> Initializers.longs(t)[0])
              .orElse(-99L);
    }
    return out;
  }

  private static NodeProto node(ModelProto p, String name) {
    return p.getGraph().getNodeList().stream()
        .filter(n -> n.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void reconstructionLowersTheOutputError() throws Exception {
    ModelProto m = TinyEncoder.build(new Spec(true, true, false, 1), new Weights());
    PruneOptions plain = PruneOptions.builder(0.5).optReconstruct(false).build();
    PruneOptions refit = PruneOptions.builder(0.5).build();
    ModelProto a = prune(m, plain).model().proto();
    ModelProto b = prune(m, refit).model().proto();
    double ea = error(m, a);
    double eb = error(m, b);
    assertTrue(eb < 0.8 * ea, "held-out squared error with re-fit " + eb + " vs without " + ea);
  }

  @Test
  void bothKindsShrinkAndNotesGiveEveryCut() throws Exception {
    ModelProto m = TinyEncoder.build(new Spec(true, true, false, 1), new Weights());
    CompressResult r = prune(m, PruneOptions.of(0.4));
    PassSummary s = r.passes().get(1);
    assertEquals("prune-encoder", s.pass());
    assertEquals(3, s.notes().size(), s.notes().toString()); // attention, ffn, total
    assertTrue(s.notes().get(2).startsWith("prunable MACs/token 512 -> "), s.notes().get(2));
    assertEquals("0.4", r.options().get("prune_ratio"));
    assertEquals("canonicalize,prune-encoder", metadata(r.model().proto(), "infercost.passes"));
  }

  private static String metadata(ModelProto p, String key) {
    return p.getMetadataPropsList().stream()
        .filter(e -> e.getKey().equals(key))
        .findFirst()
        .orElseThrow()
        .getValue();
  }

  @Test
  void sameInputAndOptionsGiveTheSameBytesAndTheInputIsUntouched() throws Exception {
    ModelProto m = TinyEncoder.build(new Spec(true, true, false, 1), new Weights());
    byte[] before = m.toByteArray();
    byte[] a = prune(m, PruneOptions.of(0.3)).model().proto().toByteArray();
    byte[] b = prune(m, PruneOptions.of(0.3)).model().proto().toByteArray();
    assertArrayEquals(a, b);
    assertArrayEquals(before, m.toByteArray());
  }

  @Test
  void aGraphWithoutStructureGivesOneLine() {
    CompressException e =
        assertThrows(
            CompressException.class, () -> prune(Tiny.matmul(4, 3, 1), PruneOptions.of(0.3)));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().contains("nothing to prune"), e.getMessage());
    assertTrue(e.getMessage().contains("feed-forward blocks"), e.getMessage());
    assertEquals(Parameter.MODEL, e.hint().orElseThrow());
  }

  @Test
  void excludingEveryBlockSaysSoAndPointsAtTheFilter() {
    ModelProto m = TinyEncoder.build(new Spec(false, true, false, 1), new Weights());
    PruneOptions o =
        PruneOptions.builder(0.3).optFilter(new NodeFilter(List.of(), List.of("MatMul"))).build();
    CompressException e = assertThrows(CompressException.class, () -> prune(m, o));
    assertTrue(e.getMessage().contains("excluded by the filter"), e.getMessage());
    assertEquals(Parameter.EXCLUDE, e.hint().orElseThrow());
  }

  @Test
  void withoutCalibrationDataItSaysHowToPassIt() {
    ModelProto m = TinyEncoder.build(new Spec(false, true, false, 1), new Weights());
    CompressException e =
        assertThrows(
            CompressException.class,
            () -> Compressor.prune(OnnxModel.of(m), PruneOptions.of(0.3), List.of()));
    assertEquals(Parameter.CALIBRATION_DATA, e.hint().orElseThrow());
  }

  @Test
  void ratiosOutsideTheRangeAreRefused() {
    for (double r : new double[] {0, -0.1, 0.951, 1, Double.NaN}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> PruneOptions.of(r));
      assertTrue(e.getMessage().contains("(0, 0.95]"), e.getMessage());
    }
    assertEquals(0.95, PruneOptions.of(0.95).ratio());
    assertThrows(
        IllegalArgumentException.class,
        () -> PruneOptions.builder(0.3).optFfn(false).optHeads(false).build());
  }
}
