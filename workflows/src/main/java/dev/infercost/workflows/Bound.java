package dev.infercost.workflows;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import dev.infercost.profile.EvalReport;
import java.util.Locale;

/**
 * An accuracy bound a variant must meet: the one place a bound is interpreted. {@code compress}
 * checks a variant with {@link #check}; {@code choose} ranks variants by {@link #loss} against
 * {@link #maxLoss}, the same measure on one scale (higher is worse).
 */
public sealed interface Bound {
  /** The threshold. */
  double value();

  /** Its name in reports: {@code max-accuracy-drop} or {@code min-cosine}. */
  String kind();

  /** Whether {@code r} meets the bound, and why. */
  Check check(EvalReport r);

  /**
   * The variant's loss on this bound's measure: the accuracy drop, or 1 − mean cosine.
   *
   * @throws InfercostException when the measure needs labels the data does not have
   */
  double loss(EvalReport r) throws InfercostException;

  /** The largest loss that meets the bound. */
  double maxLoss();

  /** At most {@code value} top-1 accuracy lost (needs labelled data). */
  static Bound maxAccuracyDrop(double value) {
    return new MaxAccuracyDrop(value);
  }

  /** A mean cosine similarity to the input's outputs of at least {@code value}. */
  static Bound minCosine(double value) {
    return new MinCosine(value);
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
    public MaxAccuracyDrop {
      checkRange("max-accuracy-drop", value);
    }

    @Override
    public String kind() {
      return "max-accuracy-drop";
    }

    /** Without labels in the data the bound is not met, and says so. */
    @Override
    public Check check(EvalReport r) {
      if (r.accuracyDrop() == null) {
        return new Check(
            false, Double.NaN, "accuracy drop unknown: the evaluation data has no labels");
      }
      boolean met = r.accuracyDrop() <= value;
      return new Check(
          met,
          r.accuracyDrop(),
          String.format(
              Locale.ROOT,
              "accuracy drop %.4f %s the maximum %.4f",
              r.accuracyDrop(),
              met ? "is within" : "exceeds",
              value));
    }

    @Override
    public double loss(EvalReport r) throws InfercostException {
      if (r.accuracyDrop() == null) {
        throw new InfercostException(
            r.data()
                + ": a maximum accuracy drop needs labelled data; pass labelled data or bound the"
                + " mean cosine instead",
            Parameter.ACCURACY_BOUND);
      }
      return r.accuracyDrop();
    }

    @Override
    public double maxLoss() {
      return value;
    }
  }

  /** See {@link Bound#minCosine}. */
  record MinCosine(double value) implements Bound {
    public MinCosine {
      checkRange("min-cosine", value);
    }

    @Override
    public String kind() {
      return "min-cosine";
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
  }

  private static void checkRange(String kind, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(kind + " must be in [0, 1], got " + value);
    }
  }
}
