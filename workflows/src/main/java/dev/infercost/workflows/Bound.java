package dev.infercost.workflows;

import dev.infercost.profile.EvalReport;
import java.util.Locale;

/**
 * An accuracy bound a compressed variant must meet.
 *
 * @param kind {@code max-accuracy-drop} (needs labelled data) or {@code min-cosine}
 * @param value the threshold
 */
public record Bound(String kind, double value) {
  public static final String MAX_ACCURACY_DROP = "max-accuracy-drop";
  public static final String MIN_COSINE = "min-cosine";

  public Bound {
    if (!kind.equals(MAX_ACCURACY_DROP) && !kind.equals(MIN_COSINE)) {
      throw new IllegalArgumentException("unknown bound " + kind);
    }
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(kind + " must be in [0, 1], got " + value);
    }
  }

  /**
   * Whether {@code r} meets the bound.
   *
   * @param met true when met
   * @param observed the value compared
   * @param reason one line saying what was compared
   */
  public record Check(boolean met, double observed, String reason) {}

  /** Checks {@code r}; an accuracy bound without labels in the data is not met, and says so. */
  public Check check(EvalReport r) {
    if (kind.equals(MIN_COSINE)) {
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
}
