package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.models.Half;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fidelity of models with several outputs: every float output is held to the figure. */
class EvaluatorTest {
  @TempDir Path tmp;

  /** {@code a = x · 1}, {@code b = x · k}: two float outputs of one input [n, 4]. */
  private Path twoOutputs(String name, float[] k) throws Exception {
    GraphProto g =
        GraphProto.newBuilder()
            .setName(name)
            .addInput(ProfilerTest.floatValue("x", "n", 4L))
            .addOutput(ProfilerTest.floatValue("a", "n", 4L))
            .addOutput(ProfilerTest.floatValue("b", "n", 4L))
            .addInitializer(constant("one", new float[] {1, 1, 1, 1}))
            .addInitializer(constant("k", k))
            .addNode(mul("ma", "x", "one", "a"))
            .addNode(mul("mb", "x", "k", "b"))
            .build();
    Path out = ProfilerTest.save(g, tmp.resolve(name + ".onnx"));
    return out;
  }

  /**
   * {@code x · k} and then {@code op}: {@code ArgMax} over axis 1 (int64 [n], an exported class
   * index) or {@code Greater} than 0.5 (bool [n, 4], a mask).
   */
  private Path discrete(String name, float[] k, String op) throws Exception {
    boolean argMax = op.equals("ArgMax");
    NodeProto.Builder last = NodeProto.newBuilder().setOpType(op).setName("last").addInput("y");
    if (argMax) {
      last.addAttribute(
              ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
                  .setName("axis")
                  .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT)
                  .setI(1))
          .addAttribute(
              ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
                  .setName("keepdims")
                  .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT)
                  .setI(0));
    } else {
      last.addInput("half");
    }
    GraphProto g =
        GraphProto.newBuilder()
            .setName(name)
            .addInput(ProfilerTest.floatValue("x", "n", 4L))
            .addOutput(
                argMax
                    ? ProfilerTest.value("z", TensorProto.DataType.INT64_VALUE, "n")
                    : ProfilerTest.value("z", TensorProto.DataType.BOOL_VALUE, "n", 4L))
            .addInitializer(constant("k", k))
            .addInitializer(constant("half", new float[] {0.5f}))
            .addNode(mul("m", "x", "k", "y"))
            .addNode(last.addOutput("z"))
            .build();
    return ProfilerTest.save(g, tmp.resolve(name + ".onnx"));
  }

  /**
   * Integer and boolean outputs are decisions, not numbers: an exported arg-max is compared as a
   * class (agreement, and accuracy against labels), a mask element by element. Their cosine (of
   * class indices: 0.35 for two unrelated classifiers) meant nothing as a fidelity figure.
   */
  @Test
  void integerAndBooleanOutputsAreComparedAsDecisions() throws Exception {
    float[] x = {1, 2, 2, 1, 3, 0, 4, 0, 0, 0, 0, 5};
    EvalData data =
        new EvalData(
            "test",
            List.of(List.of(Tensor.ofFloats("x", new long[] {3, 4}, x))),
            new long[] {1, 2, 3},
            Optional.empty());
    float[] same = {1, 1, 1, 1};
    // Flipping the last column's sign moves the third sample's class from 3 to 0.
    float[] flipped = {1, 1, 1, -1};
    EvalReport c =
        Evaluator.evaluate(
            discrete("ref", same, "ArgMax").toString(),
            discrete("cand", flipped, "ArgMax").toString(),
            data,
            1,
            s -> {});
    assertEquals(Evaluator.CLASS_INDEX, c.outputKind());
    assertTrue(c.decisions());
    assertEquals(2.0 / 3, c.top1Agreement(), 1e-12);
    assertEquals(1.0, c.referenceAccuracy(), 1e-12);
    assertEquals(2.0 / 3, c.candidateAccuracy(), 1e-12);
    assertEquals("top-1 accuracy", c.accuracyName());
    // The cosine of class indices meant nothing: agreement stands in for it (what a bound sees).
    assertEquals(2.0 / 3, c.meanCosine(), 1e-12);
    assertEquals(0, c.minCosine(), 1e-12);

    EvalReport m =
        Evaluator.evaluate(
            discrete("mref", same, "Greater").toString(),
            discrete("mcand", flipped, "Greater").toString(),
            data,
            1,
            s -> {});
    assertEquals(Evaluator.DISCRETE, m.outputKind());
    // 12 elements, 2 differ (the last column of the first and third samples).
    assertEquals(10.0 / 12, m.top1Agreement(), 1e-12);
    assertEquals("element agreement", m.agreementName());
    // Per sample 3/4, 4/4 and 3/4 of the elements agree.
    assertEquals((0.75 + 1 + 0.75) / 3, m.meanCosine(), 1e-12);
    assertEquals(0.75, m.minCosine(), 1e-12);
    assertNull(m.accuracyDrop(), "a mask has no class to hold labels to");
  }

  @Test
  void theWorstOutputIsTheReportedCosine() throws Exception {
    Path ref = twoOutputs("ref", new float[] {1, 1, 1, 1});
    // Output b flips the sign of its last column: cos(x, x') = (|x|² − 2x₃²) / |x|².
    Path cand = twoOutputs("cand", new float[] {1, 1, 1, -1});
    float[] x = {1, 2, 2, 1, 3, 0, 4, 0};
    EvalData data =
        new EvalData(
            "test",
            List.of(List.of(Tensor.ofFloats("x", new long[] {2, 4}, x))),
            new long[0],
            Optional.empty());
    EvalReport r = Evaluator.evaluate(ref.toString(), cand.toString(), data, 1, s -> {});
    double cos0 = (10.0 - 2) / 10;
    double cos1 = 1;
    assertEquals(2, r.outputs().size());
    assertEquals("a", r.outputs().get(0).name());
    assertEquals(1, r.outputs().get(0).meanCosine(), 1e-6);
    assertEquals("b", r.outputs().get(1).name());
    assertEquals((cos0 + cos1) / 2, r.outputs().get(1).meanCosine(), 1e-6);
    assertEquals(cos0, r.outputs().get(1).minCosine(), 1e-6);
    assertEquals((cos0 + cos1) / 2, r.meanCosine(), 1e-6, "the bound sees output b");
    assertEquals(cos0, r.minCosine(), 1e-6);
    // The cached reference (what the search compares each trial with) gives the same figures.
    EvalReport cached = Evaluator.reference(ref.toString(), data, 1).compare(cand.toString());
    assertEquals(r.meanCosine(), cached.meanCosine(), 1e-12);
    assertEquals(r.outputs(), cached.outputs());
  }

  @Test
  void aFloat16CandidateRunsOnTheFloat32ReferencesData() throws Exception {
    Path ref = twoOutputs("ref", new float[] {1, 1, 1, 1});
    // The same model in half: input, weights and outputs float16.
    ModelProto m = Models.loadOnnx(ref).proto();
    GraphProto.Builder g = m.getGraph().toBuilder().clearInitializer();
    for (var v : List.of(g.getInputBuilder(0), g.getOutputBuilder(0), g.getOutputBuilder(1))) {
      v.getTypeBuilder().getTensorTypeBuilder().setElemType(TensorProto.DataType.FLOAT16_VALUE);
    }
    for (String k : List.of("one", "k")) {
      g.addInitializer(Half.tensor(k, new long[] {4}, new float[] {1, 1, 1, 1}));
    }
    Path cand = tmp.resolve("half.onnx");
    Models.saveOnnx(OnnxModel.of(m.toBuilder().setGraph(g).build()), cand);
    EvalData data =
        new EvalData(
            "test",
            List.of(
                List.of(
                    Tensor.ofFloats(
                        "x", new long[] {2, 4}, new float[] {1, 2, 2, 1, 3, 0, 4, 0.1f}))),
            new long[0],
            Optional.empty());
    EvalReport r = Evaluator.evaluate(ref.toString(), cand.toString(), data, 1, s -> {});
    assertEquals(1, r.outputs().get(0).minCosine(), 1e-6);
    // 0.1 is rounded to the nearest half on its way in: the only error.
    assertEquals(0.1f - 0.0999755859375f, r.maxAbsError(), 1e-9);
  }

  /**
   * A lenient cosine's advice names the task metric the run already scores, instead of asking for
   * one ("bound a task metric instead (--metric NAME ...)" after {@code --metric mask-iou}).
   */
  @Test
  void aLenientCosineNamesTheTaskMetricAlreadyScored() {
    // Three samples that share a large offset: what they share outweighs what varies.
    List<float[]> ref =
        List.of(new float[] {100, 100.1f}, new float[] {100.1f, 100}, new float[] {100, 100});
    EvalData data = new EvalData("test", List.of(), new long[0], Optional.empty());
    EvalReport r =
        Evaluator.compare(data, ref, ref, "tensor").withCommonRatio(Evaluator.commonRatio(ref));
    assertTrue(r.lenientCosine().orElseThrow().endsWith("(--metric NAME --max-metric-drop X)"));
    // Cosine as a task metric is as lenient: not advised.
    EvalReport cosine = r.withMetrics(List.of(new MetricScore("cosine", true, 1, 1, 0)));
    assertTrue(
        cosine.lenientCosine().orElseThrow().endsWith("(--metric NAME --max-metric-drop X)"));
    EvalReport scored = r.withMetrics(List.of(new MetricScore("mask-iou", true, 0.9, 0.9, 0)));
    assertTrue(
        scored.lenientCosine().orElseThrow().endsWith("(--max-metric-drop X on mask-iou)"),
        scored.lenientCosine().toString());
  }

  @Test
  void oneNumberPerSampleIsComparedAsAColumn() {
    // A [batch, 1] score: per sample, cosine would only compare signs (1.0 for 0.9 against 0.1).
    List<float[]> ref = List.of(new float[] {0.9f}, new float[] {0.1f}, new float[] {0.5f});
    List<float[]> cand = List.of(new float[] {0.1f}, new float[] {0.9f}, new float[] {0.5f});
    EvalData data = new EvalData("test", List.of(), new long[0], Optional.empty());
    assertEquals("tensor", Evaluator.kind(new long[] {3, 1}, false, data));
    assertEquals("logits", Evaluator.kind(new long[] {3, 10}, false, data));
    EvalReport r =
        Evaluator.compare(data, ref, cand, Evaluator.kind(new long[] {3, 1}, false, data));
    double column = (0.09 + 0.09 + 0.25) / (0.81 + 0.01 + 0.25);
    assertEquals(column, r.meanCosine(), 1e-6);
    assertEquals(column, r.minCosine(), 1e-6);
    assertNull(r.top1Agreement(), "one column has no top-1");
    assertEquals(0.8, r.maxAbsError(), 1e-6);
  }

  @Test
  void oneScorePerSampleWithLabelsZeroAndOneIsABinaryClassifier() {
    // A cross-encoder's relevance logits: class 1 above 0.
    List<float[]> ref = List.of(new float[] {2.5f}, new float[] {-1f}, new float[] {0.3f});
    List<float[]> cand = List.of(new float[] {2.4f}, new float[] {-0.9f}, new float[] {-0.1f});
    EvalData labelled = new EvalData("test", List.of(), new long[] {1, 0, 0}, Optional.empty());
    EvalReport r = Evaluator.compare(labelled, ref, cand, "tensor");
    assertEquals(Evaluator.BINARY_SCORE, r.outputKind());
    assertEquals(2.0 / 3, r.referenceAccuracy(), 1e-12);
    assertEquals(1.0, r.candidateAccuracy(), 1e-12);
    assertEquals(2.0 / 3, r.top1Agreement(), 1e-12);
    assertEquals("accuracy", r.accuracyName());
    // Only the candidate gets the third right: b = 0, c = 1 of n = 3 (Agresti-Min: +1/2 each).
    assertEquals(1.96 * Math.sqrt(2 - 1.0 / 5) / 5, r.accuracyDropMargin(), 1e-12);
    // Probabilities: class 1 above 0.5, so 0.3 and 0.45 are both class 0.
    List<float[]> p = List.of(new float[] {0.9f}, new float[] {0.3f}, new float[] {0.2f});
    List<float[]> q = List.of(new float[] {0.8f}, new float[] {0.45f}, new float[] {0.6f});
    EvalReport s = Evaluator.compare(labelled, p, q, "tensor", 0.5);
    assertEquals(1.0, s.referenceAccuracy(), 1e-12);
    assertEquals(2.0 / 3, s.candidateAccuracy(), 1e-12);
    // Labels beyond 0 and 1 (a regression target, a class index) leave it a tensor.
    EvalData three = new EvalData("test", List.of(), new long[] {1, 0, 2}, Optional.empty());
    assertEquals("tensor", Evaluator.compare(three, ref, cand, "tensor").outputKind());
    assertNull(Evaluator.compare(three, ref, cand, "tensor").referenceAccuracy());
    // One class only (a regression target labelled 0 by mistake) is no binary classifier either.
    EvalData zeros = new EvalData("test", List.of(), new long[] {0, 0, 0}, Optional.empty());
    assertEquals("tensor", Evaluator.compare(zeros, ref, cand, "tensor").outputKind());
  }

  @Test
  void theAccuracyDropCarriesItsConfidenceMarginAndSaysWhenABoundIsWithinIt() {
    // 3 samples only the reference gets right, 1 only the candidate, of 10; Agresti and Min add
    // half a sample to each cell: b' = 3.5, c' = 1.5, n' = 12.
    assertEquals(1.96 * Math.sqrt(5 - 4.0 / 12) / 12, Evaluator.dropMargin(3, 1, 10), 1e-12);
    // No sample differs: 10 samples still resolve the drop only to about ±0.16, not ±0.
    assertEquals(1.96 / 12, Evaluator.dropMargin(0, 0, 10), 1e-12);
    assertEquals(1.96 * Math.sqrt(6 - 25.0 / 7) / 7, Evaluator.dropMargin(5, 0, 5), 1e-12);
    EvalReport r =
        new EvalReport("d", 600, "logits", 1, 1, 0, 0.975, null, 0.83, 0.833, -0.003)
            .withAccuracyDropMargin(Evaluator.dropMargin(7, 9, 600));
    String note = r.unresolvedDrop(0.005).orElseThrow();
    assertTrue(note.contains("600 held-out samples"), note);
    assertTrue(
        note.contains(String.format(java.util.Locale.ROOT, "±%.4f", r.accuracyDropMargin())));
    assertTrue(r.unresolvedDrop(0.02).isEmpty(), "a bound wider than the margin is resolved");
    assertTrue(r.withMetrics(List.of()).unresolvedDrop(0.005).isPresent(), "copies keep it");
  }

  @Test
  void theCommonRatioWeighsWhatSamplesShareAgainstWhatVaries() {
    // Mean [1, 1]: shared energy 2; each sample differs from it by (±1, ∓1): energy 2.
    assertEquals(
        1.0, Evaluator.commonRatio(List.of(new float[] {2, 0}, new float[] {0, 2})), 1e-12);
    // An offset of 10 on the same variation: shared 200 against 2.
    assertEquals(
        100.0, Evaluator.commonRatio(List.of(new float[] {11, 9}, new float[] {9, 11})), 1e-9);
    assertEquals(
        0.0, Evaluator.commonRatio(List.of(new float[] {1, -1}, new float[] {-1, 1})), 1e-12);
    assertNull(Evaluator.commonRatio(List.of(new float[] {1, 2})), "one sample");
    assertNull(
        Evaluator.commonRatio(List.of(new float[] {1, 2}, new float[] {1, 2})), "no variation");
    assertNull(Evaluator.commonRatio(List.of(new float[] {1, 2}, new float[] {1})), "sizes");
  }

  private static TensorProto constant(String name, float[] v) {
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .addDims(v.length);
    for (float f : v) {
      t.addFloatData(f);
    }
    return t.build();
  }

  private static NodeProto mul(String name, String x, String k, String y) {
    return NodeProto.newBuilder()
        .setOpType("Mul")
        .setName(name)
        .addInput(x)
        .addInput(k)
        .addOutput(y)
        .build();
  }
}
