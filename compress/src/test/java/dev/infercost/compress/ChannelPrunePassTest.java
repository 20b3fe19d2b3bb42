package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.base.Parameter;
import dev.infercost.compress.internal.Initializers;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Structured channel pruning of CNNs: groups, the rewrite, compensation, allocation. */
class ChannelPrunePassTest {
  private static final long[] SHAPE = {2, 3, 8, 8};
  private static final TensorProto.DataType F = TensorProto.DataType.FLOAT;

  /**
   * x → conv1 (3→8, 3×3, pad 1) → BatchNormalization → Relu → conv2 (8→6, 1×1) → Relu → MaxPool 2×2
   * → Flatten → Gemm (96→4, transB) → y. Channel 2 of conv1 is dead (zero weights and bias; the
   * BatchNormalization makes it the constant {@code beta2}); channel 4 of conv2 is the constant 0.3
   * after its Relu.
   */
  static ModelProto chain(float beta2) {
    float[] w1 = Tiny.random(8 * 27, 1, 0.3f);
    Arrays.fill(w1, 2 * 27, 3 * 27, 0f);
    float[] b1 = Tiny.random(8, 2, 0.1f);
    b1[2] = 0;
    float[] beta = Tiny.random(8, 4, 0.2f);
    float[] mean = Tiny.random(8, 5, 0.2f);
    float[] gamma = Tiny.positive(8, 3);
    mean[2] = 0;
    beta[2] = beta2;
    float[] w2 = Tiny.random(6 * 8, 7, 0.3f);
    Arrays.fill(w2, 4 * 8, 5 * 8, 0f);
    float[] b2 = Tiny.random(6, 8, 0.1f);
    b2[4] = 0.3f;
    GraphProto g =
        GraphProto.newBuilder()
            .setName("chain")
            .addInput(Tiny.value("x", F, "n", 3, 8, 8))
            .addOutput(Tiny.value("y", F, "n", 4))
            .addInitializer(Tiny.floats("W1", w1, 8, 3, 3, 3))
            .addInitializer(Tiny.floats("B1", b1, 8))
            .addInitializer(Tiny.floats("gamma", gamma, 8))
            .addInitializer(Tiny.floats("beta", beta, 8))
            .addInitializer(Tiny.floats("mean", mean, 8))
            .addInitializer(Tiny.floats("var", Tiny.positive(8, 6), 8))
            .addInitializer(Tiny.floats("W2", w2, 6, 8, 1, 1))
            .addInitializer(Tiny.floats("B2", b2, 6))
            .addInitializer(Tiny.floats("W3", Tiny.random(4 * 96, 9, 0.2f), 4, 96))
            .addInitializer(Tiny.floats("B3", Tiny.random(4, 10, 0.1f), 4))
            .addNode(conv("conv1", "x", "W1", "B1", "c1", 1))
            .addNode(
                Tiny.node(
                    "BatchNormalization",
                    "bn1",
                    List.of("c1", "gamma", "beta", "mean", "var"),
                    List.of("n1")))
            .addNode(Tiny.node("Relu", "relu1", List.of("n1"), List.of("r1")))
            .addNode(conv("conv2", "r1", "W2", "B2", "c2", 0))
            .addNode(Tiny.node("Relu", "relu2", List.of("c2"), List.of("r2")))
            .addNode(
                Tiny.node(
                    "MaxPool",
                    "pool",
                    List.of("r2"),
                    List.of("p"),
                    Tiny.ints("kernel_shape", 2, 2),
                    Tiny.ints("strides", 2, 2)))
            .addNode(Tiny.node("Flatten", "flatten", List.of("p"), List.of("f")))
            .addNode(
                Tiny.node(
                    "Gemm",
                    "fc",
                    List.of("f", "W3", "B3"),
                    List.of("y"),
                    Tiny.intAttr("transB", 1)))
            .build();
    return Tiny.model(g);
  }

  @Test
  void deadChannelsGoFirstAndChangeNothing() throws Exception {
    ModelProto m = chain(0f);
    // Removing both dead channels is 15.2% of the 17,280 prunable MACs (see the notes).
    CompressResult r =
        Compressor.pruneChannels(OnnxModel.of(m), ChannelPruneOptions.of(0.15), batches(4, 10));
    PassSummary s = r.passes().get(1);
    assertEquals("prune-channels", s.pass());
    assertTrue(s.notes().contains("group conv1: kept 7/8 channels, removed [2]"), "" + s.notes());
    assertTrue(s.notes().contains("group conv2: kept 5/6 channels, removed [4]"), "" + s.notes());
    assertEquals(
        "MACs per sample of the pruned layers: 17280 -> 14656 (15.2% removed)", s.notes().get(0));
    ModelProto p = r.model().proto();
    assertArrayEquals(new long[] {7, 3, 3, 3}, Initializers.dims(Tiny.init(p, "W1")));
    assertArrayEquals(new long[] {7}, Initializers.dims(Tiny.init(p, "var")));
    assertArrayEquals(new long[] {5, 7, 1, 1}, Initializers.dims(Tiny.init(p, "W2")));
    assertArrayEquals(new long[] {4, 80}, Initializers.dims(Tiny.init(p, "W3")));
    float[] x = Tiny.random(2 * 3 * 64, 99, 1f);
    float[] ref = Tiny.run(m, "x", SHAPE, x);
    float[] got = Tiny.run(p, "x", SHAPE, x);
    assertEquals(8, got.length, "output shape kept");
    // conv2's dead channel is 0.3 everywhere: its mean went into the Gemm's bias, exactly.
    assertArrayEquals(ref, got, 1e-5f);
  }

  @Test
  void groupsOfSixteenChannelsOrMoreKeepAMultipleOfSixteen() throws Exception {
    // x → conv1 (3→48, 3×3, pad 1) → Relu → conv2 (48→12, 1×1) → Relu → conv3 (12→4, 1×1) → y.
    GraphProto g =
        GraphProto.newBuilder()
            .setName("wide")
            .addInput(Tiny.value("x", F, "n", 3, 8, 8))
            .addOutput(Tiny.value("y", F, "n", 4, 8, 8))
            .addInitializer(Tiny.floats("W1", Tiny.random(48 * 27, 11, 0.3f), 48, 3, 3, 3))
            .addInitializer(Tiny.floats("B1", Tiny.random(48, 12, 0.1f), 48))
            .addInitializer(Tiny.floats("W2", Tiny.random(12 * 48, 13, 0.3f), 12, 48, 1, 1))
            .addInitializer(Tiny.floats("B2", Tiny.random(12, 14, 0.1f), 12))
            .addInitializer(Tiny.floats("W3", Tiny.random(4 * 12, 15, 0.3f), 4, 12, 1, 1))
            .addNode(conv("conv1", "x", "W1", "B1", "c1", 1))
            .addNode(Tiny.node("Relu", "relu1", List.of("c1"), List.of("r1")))
            .addNode(conv("conv2", "r1", "W2", "B2", "c2", 0))
            .addNode(Tiny.node("Relu", "relu2", List.of("c2"), List.of("r2")))
            .addNode(conv("conv3", "r2", "W3", "", "y", 0))
            .build();
    for (double ratio : new double[] {0.1, 0.3, 0.6}) {
      CompressResult r =
          Compressor.pruneChannels(
              OnnxModel.of(Tiny.model(g)), ChannelPruneOptions.of(ratio), batches(4, 30));
      long kept = Initializers.dims(Tiny.init(r.model().proto(), "W1"))[0];
      assertTrue(kept == 16 || kept == 32 || kept == 48, ratio + ": conv1 keeps " + kept);
      // The 12-channel group is below the alignment: it loses channels one at a time.
      long small = Initializers.dims(Tiny.init(r.model().proto(), "W2"))[0];
      assertTrue(small >= 1 && small <= 12, ratio + ": conv2 keeps " + small);
      if (ratio == 0.6) {
        assertTrue(kept < 48, "at 60% the wide group is cut: " + r.passes().get(1).notes());
      }
    }
  }

  @Test
  void constantChannelIsCompensatedIntoTheConsumerBias() throws Exception {
    ModelProto m = chain(0.5f); // conv1's dead channel is 0.5 after BatchNormalization and Relu
    float[] x = Tiny.random(2 * 3 * 64, 98, 1f);
    float[] ref = Tiny.run(m, "x", SHAPE, x);
    ChannelPruneOptions on = ChannelPruneOptions.of(0.15);
    ModelProto with = Compressor.pruneChannels(OnnxModel.of(m), on, batches(4, 20)).model().proto();
    // conv2 is 1×1 without padding, so the folded mean is exact.
    assertArrayEquals(ref, Tiny.run(with, "x", SHAPE, x), 1e-5f);
    ChannelPruneOptions off = ChannelPruneOptions.builder(0.15).optCompensate(false).build();
    ModelProto without =
        Compressor.pruneChannels(OnnxModel.of(m), off, batches(4, 20)).model().proto();
    assertTrue(Tiny.maxAbsDiff(ref, Tiny.run(without, "x", SHAPE, x)) > 1e-3);
  }

  /**
   * x → convA (3→8) → Relu → a; a → convB (8→8) → BatchNormalization → b; Add(a, b) → Relu → convC
   * (8→4, 1×1) → GlobalAveragePool → Flatten → y: a residual block whose head writes y.
   */
  static ModelProto residual() {
    GraphProto g =
        GraphProto.newBuilder()
            .setName("residual")
            .addInput(Tiny.value("x", F, "n", 3, 8, 8))
            .addOutput(Tiny.value("y", F, "n", 4))
            .addInitializer(Tiny.floats("WA", Tiny.random(8 * 27, 21, 0.3f), 8, 3, 3, 3))
            .addInitializer(Tiny.floats("WB", Tiny.random(8 * 72, 22, 0.2f), 8, 8, 3, 3))
            .addInitializer(Tiny.floats("gamma", Tiny.positive(8, 23), 8))
            .addInitializer(Tiny.floats("beta", Tiny.random(8, 24, 0.2f), 8))
            .addInitializer(Tiny.floats("mean", Tiny.random(8, 25, 0.2f), 8))
            .addInitializer(Tiny.floats("var", Tiny.positive(8, 26), 8))
            .addInitializer(Tiny.floats("WC", Tiny.random(4 * 8, 27, 0.3f), 4, 8, 1, 1))
            .addNode(conv("convA", "x", "WA", "", "ca", 1))
            .addNode(Tiny.node("Relu", "reluA", List.of("ca"), List.of("a")))
            .addNode(conv("convB", "a", "WB", "", "cb", 1))
            .addNode(
                Tiny.node(
                    "BatchNormalization",
                    "bnB",
                    List.of("cb", "gamma", "beta", "mean", "var"),
                    List.of("b")))
            .addNode(Tiny.node("Add", "add", List.of("a", "b"), List.of("s")))
            .addNode(Tiny.node("Relu", "relu", List.of("s"), List.of("r")))
            .addNode(conv("convC", "r", "WC", "", "cc", 0))
            .addNode(Tiny.node("GlobalAveragePool", "gap", List.of("cc"), List.of("g")))
            .addNode(Tiny.node("Flatten", "flatten", List.of("g"), List.of("y")))
            .build();
    return Tiny.model(g);
  }

  @Test
  void residualInputsArePrunedIdentically() throws Exception {
    ModelProto m = residual();
    CompressResult r =
        Compressor.pruneChannels(OnnxModel.of(m), ChannelPruneOptions.of(0.4), batches(4, 30));
    PassSummary s = r.passes().get(1);
    ModelProto p = r.model().proto();
    int[] a = keptRows(Tiny.init(m, "WA"), Tiny.init(p, "WA"));
    int[] b = keptRows(Tiny.init(m, "WB"), Tiny.init(p, "WB"));
    assertTrue(a.length < 8, "something pruned: " + s.notes());
    assertArrayEquals(a, b, "both Add inputs keep the same channels");
    assertEquals(a.length, Initializers.dims(Tiny.init(p, "WB"))[1], "convB's input too");
    assertEquals(a.length, Initializers.dims(Tiny.init(p, "beta"))[0]);
    assertEquals(a.length, Initializers.dims(Tiny.init(p, "WC"))[1]);
    assertTrue(
        s.skipped().contains("convC: graph output 'y'") || s.skipped().get(0).startsWith("convC"),
        "" + s.skipped());
    assertTrue(s.notes().stream().anyMatch(n -> n.startsWith("group convA+convB: kept")));
    float[] x = Tiny.random(2 * 3 * 64, 97, 1f);
    assertEquals(8, Tiny.run(p, "x", SHAPE, x).length);
  }

  @Test
  void unprunableStructuresAreListedWithReasons() throws Exception {
    ModelProto m = residual();
    // convC's output reaches the graph output through pooling and Flatten: left whole.
    PassSummary s =
        Compressor.pruneChannels(OnnxModel.of(m), ChannelPruneOptions.of(0.3), batches(2, 40))
            .passes()
            .get(1);
    assertEquals(List.of("convC: graph output 'y'"), s.skipped());
    // A Transpose and a Resize the walk does not follow; nothing else to prune: one line.
    GraphProto g =
        GraphProto.newBuilder()
            .setName("odd")
            .addInput(Tiny.value("x", F, "n", 3, 8, 8))
            .addOutput(Tiny.value("y", F, "n", 8, 8, 4))
            .addInitializer(Tiny.floats("W", Tiny.random(4 * 27, 41, 0.3f), 4, 3, 3, 3))
            .addNode(conv("conv", "x", "W", "", "c", 1))
            .addNode(
                Tiny.node(
                    "Transpose", "t", List.of("c"), List.of("y"), Tiny.ints("perm", 0, 2, 3, 1)))
            .build();
    CompressException e =
        assertThrows(
            CompressException.class,
            () ->
                Compressor.pruneChannels(
                    OnnxModel.of(Tiny.model(g)), ChannelPruneOptions.of(0.3), batches(2, 42)));
    assertTrue(e.getMessage().contains("no prunable Conv channels"), e.getMessage());
    assertTrue(
        e.getMessage().contains("read by Transpose 't', which the walk does not follow"),
        e.getMessage());
    assertEquals(Parameter.MODEL, e.hint().orElseThrow());
  }

  /**
   * x → conv1 (3→8) → Relu → dw (depthwise 3×3, group 8) → BatchNormalization → Relu → pw (8→6,
   * 1×1) → GlobalAveragePool → Flatten → Gemm (6→4) → y.
   */
  static ModelProto depthwise() {
    GraphProto g =
        GraphProto.newBuilder()
            .setName("depthwise")
            .addInput(Tiny.value("x", F, "n", 3, 8, 8))
            .addOutput(Tiny.value("y", F, "n", 4))
            .addInitializer(Tiny.floats("W1", Tiny.random(8 * 27, 51, 0.3f), 8, 3, 3, 3))
            .addInitializer(Tiny.floats("WD", Tiny.random(8 * 9, 52, 0.3f), 8, 1, 3, 3))
            .addInitializer(Tiny.floats("BD", Tiny.random(8, 53, 0.1f), 8))
            .addInitializer(Tiny.floats("gamma", Tiny.positive(8, 54), 8))
            .addInitializer(Tiny.floats("beta", Tiny.random(8, 55, 0.2f), 8))
            .addInitializer(Tiny.floats("mean", Tiny.random(8, 56, 0.2f), 8))
            .addInitializer(Tiny.floats("var", Tiny.positive(8, 57), 8))
            .addInitializer(Tiny.floats("WP", Tiny.random(6 * 8, 58, 0.3f), 6, 8, 1, 1))
            .addInitializer(Tiny.floats("W3", Tiny.random(4 * 6, 59, 0.3f), 6, 4))
            .addNode(conv("conv1", "x", "W1", "", "c1", 1))
            .addNode(Tiny.node("Relu", "relu1", List.of("c1"), List.of("r1")))
            .addNode(
                Tiny.node(
                    "Conv",
                    "dw",
                    List.of("r1", "WD", "BD"),
                    List.of("d"),
                    Tiny.ints("pads", 1, 1, 1, 1),
                    Tiny.intAttr("group", 8)))
            .addNode(
                Tiny.node(
                    "BatchNormalization",
                    "bn",
                    List.of("d", "gamma", "beta", "mean", "var"),
                    List.of("n1")))
            .addNode(Tiny.node("Relu", "relu2", List.of("n1"), List.of("r2")))
            .addNode(conv("pw", "r2", "WP", "", "c3", 0))
            .addNode(Tiny.node("GlobalAveragePool", "gap", List.of("c3"), List.of("g")))
            .addNode(Tiny.node("Flatten", "flatten", List.of("g"), List.of("f")))
            .addNode(Tiny.node("Gemm", "fc", List.of("f", "W3"), List.of("y")))
            .build();
    return Tiny.model(g);
  }

  @Test
  void depthwiseFollowsItsProducer() throws Exception {
    ModelProto m = depthwise();
    CompressResult r =
        Compressor.pruneChannels(OnnxModel.of(m), ChannelPruneOptions.of(0.4), batches(4, 60));
    ModelProto p = r.model().proto();
    int[] kept = keptRows(Tiny.init(m, "W1"), Tiny.init(p, "W1"));
    assertTrue(kept.length < 8, "" + r.passes().get(1).notes());
    assertArrayEquals(kept, keptRows(Tiny.init(m, "WD"), Tiny.init(p, "WD")));
    NodeProto dw =
        p.getGraph().getNodeList().stream()
            .filter(n -> n.getName().equals("dw"))
            .findFirst()
            .orElseThrow();
    assertEquals(
        kept.length,
        dw.getAttributeList().stream()
            .filter(a -> a.getName().equals("group"))
            .findFirst()
            .orElseThrow()
            .getI());
    assertEquals(kept.length, Initializers.dims(Tiny.init(p, "BD"))[0]);
    assertEquals(kept.length, Initializers.dims(Tiny.init(p, "mean"))[0]);
    int pwIn = (int) Initializers.dims(Tiny.init(p, "WP"))[1];
    assertEquals(kept.length, pwIn, "the pointwise Conv reads what the depthwise keeps");
    assertEquals(8, Tiny.run(p, "x", SHAPE, Tiny.random(2 * 3 * 64, 61, 1f)).length);
    // The Gemm without a bias got one for the pointwise group's removed means (if any was cut).
    assertTrue(r.passes().get(1).skipped().isEmpty(), "" + r.passes().get(1).skipped());
  }

  /** x → conv1 (3→4), conv2 (3→6) → Concat → Relu → conv3 (10→5, 1×1) → GAP → Flatten → y. */
  static ModelProto concat() {
    GraphProto g =
        GraphProto.newBuilder()
            .setName("concat")
            .addInput(Tiny.value("x", F, "n", 3, 8, 8))
            .addOutput(Tiny.value("y", F, "n", 5))
            .addInitializer(Tiny.floats("W1", Tiny.random(4 * 27, 71, 0.3f), 4, 3, 3, 3))
            .addInitializer(Tiny.floats("W2", Tiny.random(6 * 27, 72, 0.3f), 6, 3, 3, 3))
            .addInitializer(Tiny.floats("W3", Tiny.random(5 * 10, 73, 0.3f), 5, 10, 1, 1))
            .addInitializer(Tiny.floats("B3", Tiny.random(5, 74, 0.1f), 5))
            .addNode(conv("conv1", "x", "W1", "", "c1", 1))
            .addNode(conv("conv2", "x", "W2", "", "c2", 1))
            .addNode(
                Tiny.node(
                    "Concat", "cat", List.of("c1", "c2"), List.of("c"), Tiny.intAttr("axis", 1)))
            .addNode(Tiny.node("Relu", "relu", List.of("c"), List.of("r")))
            .addNode(conv("conv3", "r", "W3", "B3", "c3", 0))
            .addNode(Tiny.node("Relu", "relu3", List.of("c3"), List.of("r3")))
            .addNode(Tiny.node("GlobalAveragePool", "gap", List.of("r3"), List.of("g")))
            .addNode(Tiny.node("Flatten", "flatten", List.of("g"), List.of("y")))
            .build();
    return Tiny.model(g);
  }

  @Test
  void concatOffsetsItsInputsChannels() throws Exception {
    ModelProto m = concat();
    CompressResult r =
        Compressor.pruneChannels(OnnxModel.of(m), ChannelPruneOptions.of(0.5), batches(4, 80));
    ModelProto p = r.model().proto();
    int[] k1 = keptRows(Tiny.init(m, "W1"), Tiny.init(p, "W1"));
    int[] k2 = keptRows(Tiny.init(m, "W2"), Tiny.init(p, "W2"));
    assertTrue(k1.length + k2.length < 10, "" + r.passes().get(1).notes());
    List<Integer> columns = new ArrayList<>();
    Arrays.stream(k1).forEach(columns::add);
    Arrays.stream(k2).forEach(c -> columns.add(4 + c));
    float[] w3 = Initializers.floats(Tiny.init(m, "W3"));
    float[] got = Initializers.floats(Tiny.init(p, "W3"));
    assertEquals(5 * columns.size(), got.length);
    for (int o = 0; o < 5; o++) {
      for (int j = 0; j < columns.size(); j++) {
        assertEquals(w3[o * 10 + columns.get(j)], got[o * columns.size() + j], 0f);
      }
    }
    assertEquals(10, Tiny.run(p, "x", SHAPE, Tiny.random(2 * 3 * 64, 81, 1f)).length);
  }

  @Test
  void badRatiosAndMissingDataAreRefused() {
    for (double bad : new double[] {0, -0.1, 0.96, 1, Double.NaN}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ChannelPruneOptions.of(bad));
      assertTrue(e.getMessage().startsWith("prune ratio must be in (0, 0.95]"), e.getMessage());
    }
    assertEquals(0.95, ChannelPruneOptions.of(0.95).ratio());
    CompressException e =
        assertThrows(
            CompressException.class,
            () ->
                Compressor.pruneChannels(
                    OnnxModel.of(chain(0f)), ChannelPruneOptions.of(0.3), List.of()));
    assertEquals(Parameter.CALIBRATION_DATA, e.hint().orElseThrow());
  }

  @Test
  void sameInputGivesTheSameBytes() throws Exception {
    for (ModelProto m : List.of(residual(), depthwise(), concat(), chain(0.5f))) {
      byte[] a =
          Compressor.pruneChannels(OnnxModel.of(m), ChannelPruneOptions.of(0.3), batches(3, 90))
              .model()
              .proto()
              .toByteArray();
      byte[] b =
          Compressor.pruneChannels(OnnxModel.of(m), ChannelPruneOptions.of(0.3), batches(3, 90))
              .model()
              .proto()
              .toByteArray();
      assertArrayEquals(a, b, m.getGraph().getName());
    }
  }

  @Test
  void digitsCnnShrinksAndKeepsItsAccuracy() throws Exception {
    OnnxModel m =
        Models.loadOnnx(Models.resolve("digits-cnn", dev.infercost.models.ModelFormat.ONNX));
    Map<String, long[]> one = Map.of("input", new long[] {1, 1, 8, 8});
    long before = m.info(one).macs();
    for (double ratio : new double[] {0.2, 0.4}) {
      CompressResult r =
          Compressor.pruneChannels(
              m, ChannelPruneOptions.of(ratio), BuiltinFidelity.digitsCalibration(50));
      long after = r.model().info(one).macs();
      var d = BuiltinFidelity.digits(m.proto(), r.model().proto(), false);
      System.out.printf(
          "digits-cnn prune %.1f: MACs %d -> %d, %s%n%s%n",
          ratio, before, after, d, r.passes().get(1).notes());
      assertTrue(after < before * (1 - ratio * 0.8), after + " vs " + before);
      assertTrue(d.accuracy() >= d.accuracyRef() - (ratio < 0.3 ? 0.02 : 0.05), d.toString());
      assertFalse(r.passes().get(1).rewritten().isEmpty());
    }
  }

  /** Which rows (axis 0) of {@code original} {@code pruned} kept, matched by the first value. */
  private static int[] keptRows(TensorProto original, TensorProto pruned) {
    float[] a = Initializers.floats(original);
    float[] b = Initializers.floats(pruned);
    int rowA = a.length / (int) original.getDims(0);
    int rows = (int) pruned.getDims(0);
    int rowB = b.length / rows;
    int[] kept = new int[rows];
    for (int i = 0; i < rows; i++) {
      kept[i] = -1;
      for (int j = 0; j < original.getDims(0) && kept[i] < 0; j++) {
        if (rowA == rowB
            && Arrays.equals(
                Arrays.copyOfRange(a, j * rowA, (j + 1) * rowA),
                Arrays.copyOfRange(b, i * rowB, (i + 1) * rowB))) {
          kept[i] = j;
        } else if (rowA != rowB && a[j * rowA] == b[i * rowB]) {
          kept[i] = j;
        }
      }
      assertTrue(kept[i] >= 0, "row " + i + " of " + pruned.getName() + " not in the original");
    }
    return kept;
  }

  static List<List<Tensor>> batches(int n, long seed) {
    List<List<Tensor>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(List.of(Tensor.ofFloats("x", SHAPE, Tiny.random(2 * 3 * 64, seed + i, 1f))));
    }
    return out;
  }

  private static NodeProto conv(String name, String x, String w, String b, String y, int pad) {
    List<String> in = b.isEmpty() ? List.of(x, w) : List.of(x, w, b);
    AttributeProto pads = Tiny.ints("pads", pad, pad, pad, pad);
    return Tiny.node("Conv", name, in, List.of(y), pads);
  }
}
