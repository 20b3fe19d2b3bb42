package dev.infercost.workflows;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.MetricScore;
import dev.infercost.profile.TaskMetric;
import java.util.Locale;
import java.util.Objects;

/**
 * An accuracy bound a variant must meet: the one place a bound is interpreted. {@code compress}
 * checks a variant with {@link #check}; {@code choose} ranks variants by {@link #loss} against
 * {@link #maxLoss}, the same measure on one scale (higher is worse).
 */
public sealed interface Bound {
  /** The threshold. */
  double value();

  /**
   * Its name in reports: {@code max-accuracy-drop}, {@code min-cosine} or {@code max-metric-drop}.
   */
  String kind();

  /** Whether {@code r} meets the bound, and why. */
  Check check(EvalReport r);

  /**
   * The variant's loss on this bound's measure: the accuracy drop, 1 − mean cosine, or the task
   * metric's drop.
   *
   * @throws InfercostException when the measure needs labels the data does not have
   */
  double loss(EvalReport r) throws InfercostException;

  /** The largest loss that meets the bound. */
  double maxLoss();

  /**
   * What {@link #loss} measures, in words for tables and reports: {@code accuracy drop}, {@code 1 −
   * mean cosine}, or {@code <metric> drop}.
   */
  String measure();

  /** At most {@code value} top-1 accuracy lost (needs labelled data). */
  static Bound maxAccuracyDrop(double value) {
    return new MaxAccuracyDrop(value);
  }

  /** A mean cosine similarity to the input's outputs of at least {@code value}. */
  static Bound minCosine(double value) {
    return new MinCosine(value);
  }

  /**
   * At most {@code maxDrop} worse on the task metric {@code metric} than the input model on the
   * same data: {@link MetricScore#drop()}, in the metric's units and direction (reference −
   * candidate when higher is better, candidate − reference otherwise), as {@code maxAccuracyDrop}
   * is for top-1 accuracy. The evaluation must score {@code metric} (requests add it).
   */
  static Bound maxMetricDrop(TaskMetric metric, double maxDrop) {
    return new MaxMetricDrop(metric, maxDrop);
  }

  /**
   * Whether a variant meets the bound.
   *
   * @param met true when met
   * @param observed the value compared
   * @param reason one line saying what was compared
   */
  record Check(boolean met, double observed, String reason) {}

  /** See {@link Bound#maxAccuracyDrop}. */
  record MaxAccuracyDrop(double value) implements Bound {
    static final String KIND = "max-accuracy-drop";

    public MaxAccuracyDrop {
      checkRange(KIND, value);
    }

    @Override
    public String kind() {
      return KIND;
    }

    /** Without labels in the data the bound is not met, and says so. */
    @Override
    public Check check(EvalReport r) {
      if (r.accuracyDrop() == null) {
        return new Check(
            false,
            Double.NaN,
            "accuracy drop unknown: the evaluation data has no labels (and is not text for a"
                + " language model's logits), or the model's first output is no classifier's"
                + " (logits [batch, classes], an integer class index per sample, or one score per"
                + " sample with labels 0 and 1; a mask or other tensor has no accuracy)");
      }
      boolean met = r.accuracyDrop() <= value;
      return new Check(
          met,
          r.accuracyDrop(),
          String.format(
              Locale.ROOT,
              "%s drop %.4f%s %s the maximum %.4f",
              r.accuracyName(),
              r.accuracyDrop(),
              r.accuracyDropMargin() == null
                  ? ""
                  : String.format(Locale.ROOT, " (±%.4f)", r.accuracyDropMargin()),
              met ? "is within" : "exceeds",
              value));
    }

    @Override
    public double loss(EvalReport r) throws InfercostException {
      if (r.accuracyDrop() == null) {
        throw new InfercostException(
            r.data()
                + ": a maximum accuracy drop needs labelled data (or text for a language model's"
                + " logits, labelled by its next tokens) and a classifier's output (logits [batch,"
                + " classes], an integer class index per sample, or one score per sample with labels"
                + " 0 and 1); pass labelled data or bound the mean cosine or a task metric instead",
            Parameter.ACCURACY_BOUND);
      }
      return r.accuracyDrop();
    }

    @Override
    public double maxLoss() {
      return value;
    }

    @Override
    public String measure() {
      return "accuracy drop";
    }
  }

  /** See {@link Bound#minCosine}. */
  record MinCosine(double value) implements Bound {
    static final String KIND = "min-cosine";

    public MinCosine {
      checkRange(KIND, value);
    }

    @Override
    public String kind() {
      return KIND;
    }

    @Override
    public Check check(EvalReport r) {
      boolean met = r.meanCosine() >= value;
      return new Check(
          met,
          r.meanCosine(),
          String.format(
              Locale.ROOT,
              "mean cosine %.5f %s the minimum %.5f",
              r.meanCosine(),
              met ? "meets" : "is below",
              value));
    }

    @Override
    public double loss(EvalReport r) {
      return 1 - r.meanCosine();
    }

    @Override
    public double maxLoss() {
      return 1 - value;
    }

    @Override
    public String measure() {
      return "1 − mean cosine";
    }
  }

  /** See {@link Bound#maxMetricDrop}. */
  record MaxMetricDrop(TaskMetric metric, double value) implements Bound {
    public MaxMetricDrop {
      Objects.requireNonNull(metric, "metric");
      if (!(value >= 0 && Double.isFinite(value))) {
        throw new IllegalArgumentException("max-metric-drop must be finite and >= 0, got " + value);
      }
    }

    @Override
    public String kind() {
      return "max-metric-drop";
    }

    /** Without the metric's score in {@code r} the bound is not met, and says so. */
    @Override
    public Check check(EvalReport r) {
      var s = r.metric(metric.name());
      if (s.isEmpty()) {
        return new Check(
            false, Double.NaN, "metric " + metric.name() + " unknown: it was not evaluated");
      }
      MetricScore m = s.get();
      boolean met = m.drop() <= value;
      return new Check(
          met,
          m.drop(),
          String.format(
              Locale.ROOT,
              "%s drop %.4g (%.6g -> %.6g) %s the maximum %.4g",
              m.name(),
              m.drop(),
              m.reference(),
              m.candidate(),
              met ? "is within" : "exceeds",
              value));
    }

    @Override
    public double loss(EvalReport r) throws InfercostException {
      return r.metric(metric.name())
          .orElseThrow(
              () ->
                  new InfercostException(
                      r.data() + ": task metric " + metric.name() + " was not evaluated",
                      Parameter.METRIC))
          .drop();
    }

    @Override
    public double maxLoss() {
      return value;
    }

    @Override
    public String measure() {
      return metric.name() + " drop";
    }
  }

  private static void checkRange(String kind, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(kind + " must be in [0, 1], got " + value);
    }
  }
}
