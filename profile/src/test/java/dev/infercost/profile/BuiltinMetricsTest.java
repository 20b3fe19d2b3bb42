package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.base.Parameter;
import dev.infercost.models.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in task metrics give exactly the figures {@link Evaluator#compare} puts in {@link
 * EvalReport} for the same outputs, and mask IoU counts what it documents.
 */
class BuiltinMetricsTest {
  @TempDir Path tmp;

  /** Reference and candidate outputs of three batches, and what the evaluator makes of them. */
  private record Run(List<TaskMetric.Batch> ref, List<TaskMetric.Batch> cand, EvalReport report) {}

  private static Run run(long[] batchShape, boolean masked, long[] labels) {
    Random rnd = new Random(7);
    List<TaskMetric.Batch> ref = new ArrayList<>();
    List<TaskMetric.Batch> cand = new ArrayList<>();
    List<float[]> refVecs = new ArrayList<>();
    List<float[]> candVecs = new ArrayList<>();
    int first = 0;
    for (int b = 0; b < 3; b++) {
      int n = (int) batchShape[0];
      float[] r = new float[(int) Tensor.elementCount(batchShape)];
      float[] c = new float[r.length];
      for (int i = 0; i < r.length; i++) {
        r[i] = (float) rnd.nextGaussian();
        c[i] = r[i] + 0.3f * (float) rnd.nextGaussian();
      }
      Tensor ro = Tensor.ofFloats("y", batchShape, r);
      Tensor co = Tensor.ofFloats("y", batchShape, c);
      Tensor in = Tensor.ofFloats("x", new long[] {n, 1}, new float[n]);
      Optional<Tensor> mask = Optional.empty();
      if (masked) {
        long[] m = new long[n * (int) batchShape[1]];
        for (int i = 0; i < m.length; i++) {
          m[i] = i % 3 == 2 ? 0 : 1;
        }
        mask = Optional.of(Tensor.ofLongs("attention_mask", new long[] {n, batchShape[1]}, m));
      }
      long[] l =
          labels.length == 0 ? new long[0] : java.util.Arrays.copyOfRange(labels, first, first + n);
      ref.add(
          new TaskMetric.Batch(
              first, List.of(in), List.of(ro), List.of(ro), l, mask, Optional.empty()));
      cand.add(
          new TaskMetric.Batch(
              first, List.of(in), List.of(co), List.of(ro), l, mask, Optional.empty()));
      refVecs.addAll(Evaluator.perSample(ro, mask.orElse(null)));
      candVecs.addAll(Evaluator.perSample(co, mask.orElse(null)));
      first += n;
    }
    EvalData data = new EvalData("synthetic", List.of(), labels, Optional.empty());
    String kind = masked ? "embedding" : "logits";
    return new Run(ref, cand, Evaluator.compare(data, refVecs, candVecs, kind));
  }

  private static double score(TaskMetric m, List<TaskMetric.Batch> batches, boolean labelled)
      throws Exception {
    int samples = batches.stream().mapToInt(TaskMetric.Batch::size).sum();
    TaskMetric.Accumulator a =
        m.accumulator(new TaskMetric.Context("synthetic", samples, labelled, Optional.empty()));
    for (TaskMetric.Batch b : batches) {
      a.add(b);
    }
    return a.score();
  }

  private static TaskMetric builtin(String name) {
    return TaskMetrics.builtins().stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void accuracyAndCosineAreTheReportsFigures() throws Exception {
    long[] labels = new long[3 * 16];
    Random rnd = new Random(3);
    for (int i = 0; i < labels.length; i++) {
      labels[i] = rnd.nextInt(10);
    }
    Run r = run(new long[] {16, 10}, false, labels);
    TaskMetric acc = builtin("top1-accuracy");
    assertEquals(r.report().referenceAccuracy(), score(acc, r.ref(), true), 0.0);
    assertEquals(r.report().candidateAccuracy(), score(acc, r.cand(), true), 0.0);
    TaskMetric cos = builtin("cosine");
    assertEquals(r.report().meanCosine(), score(cos, r.cand(), false), 0.0);
    assertEquals(1.0, score(cos, r.ref(), false), 1e-12, "the reference against itself");
    assertTrue(r.report().meanCosine() < 0.99, "the candidate differs: " + r.report());
  }

  @Test
  void nearestNeighbourAgreementIsTheReportsFigureForPooledEmbeddings() throws Exception {
    Run r = run(new long[] {8, 6, 4}, true, new long[0]);
    TaskMetric nn = builtin("nn-agreement");
    assertEquals(r.report().nnAgreement(), score(nn, r.cand(), false), 0.0);
    assertEquals(1.0, score(nn, r.ref(), false), 0.0);
    assertEquals(r.report().meanCosine(), score(builtin("cosine"), r.cand(), false), 0.0);
  }

  @Test
  void accuracyWithoutLabelsSaysSo() {
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                builtin("top1-accuracy")
                    .accumulator(new TaskMetric.Context("d.npz", 4, false, Optional.empty())));
    assertTrue(e.getMessage().startsWith("d.npz: top1-accuracy needs"), e.getMessage());
    assertEquals(Optional.of(Parameter.EVAL_DATA), e.hint());
  }

  /** Two samples of 2x2 masks, 3 classes, logits one-hot at the predicted class. */
  private static Tensor logits(int[][] classes) {
    float[] v = new float[classes.length * 3 * 4];
    for (int i = 0; i < classes.length; i++) {
      for (int p = 0; p < 4; p++) {
        v[(i * 3 + classes[i][p]) * 4 + p] = 1;
      }
    }
    return Tensor.ofFloats("seg", new long[] {classes.length, 3, 2, 2}, v);
  }

  @Test
  void maskIouAgainstTheReferenceAndAgainstALabelsFile() throws Exception {
    Tensor ref = logits(new int[][] {{0, 0, 1, 1}, {2, 2, 0, 0}});
    Tensor cand = logits(new int[][] {{0, 1, 1, 1}, {2, 2, 0, 0}});
    Tensor in = Tensor.ofFloats("x", new long[] {2, 1}, new float[2]);
    TaskMetric iou = builtin("mask-iou");
    var b =
        new TaskMetric.Batch(
            0,
            List.of(in),
            List.of(cand),
            List.of(ref),
            new long[0],
            Optional.empty(),
            Optional.empty());
    // Class 0: inter 3, union 4; class 1: inter 2, union 3; class 2: inter 2, union 2.
    double expected = (3.0 / 4 + 2.0 / 3 + 1) / 3;
    assertEquals(expected, score(iou, List.of(b), false), 1e-12);

    // Labels file: the candidate's own classes except one pixel, one pixel ignored (255).
    Path labels = tmp.resolve("masks.npy");
    Files.write(
        labels, Npy.v1(Npy.header("<f4", false, 2, 2, 2), Npy.floats(0, 1, 1, 2, 2, 2, 0, 255)));
    TaskMetric.Accumulator a =
        iou.accumulator(new TaskMetric.Context("d", 2, false, Optional.of(labels)));
    a.add(b);
    // Pixel {1,3} is ignored. Class 0: pred {0,0},{1,2}; truth {0,0},{1,2}: inter 2, union 2.
    // Class 1: pred {0,1},{0,2},{0,3}; truth {0,1},{0,2}: inter 2, union 3.
    // Class 2: pred {1,0},{1,1}; truth {0,3},{1,0},{1,1}: inter 2, union 3.
    assertEquals((1 + 2.0 / 3 + 2.0 / 3) / 3, a.score(), 1e-12);
  }

  @Test
  void maskIouRefusesALabelsFileOfAnotherSampleCount() throws Exception {
    Path labels = tmp.resolve("masks.npy");
    Files.write(labels, Npy.v1(Npy.header("<f4", false, 3, 2, 2), Npy.floats(new float[12])));
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                builtin("mask-iou")
                    .accumulator(new TaskMetric.Context("d", 2, false, Optional.of(labels))));
    assertTrue(e.getMessage().contains("expected [2, ...]"), e.getMessage());
    assertEquals(Optional.of(Parameter.METRIC_LABELS), e.hint());
  }
}
