package dev.infercost.cost;

import dev.infercost.cost.internal.Checks;

/**
 * The low and high ends of a figure's range, in the figure's unit ({@code low ≤ high}): written
 * next to the figure in report.json as {@code {"low": …, "high": …}}.
 *
 * @param low the low end
 * @param high the high end
 */
public record Range(double low, double high) {
  public Range {
    Checks.finite("low", low);
    Checks.finite("high", high);
    if (low > high) {
      throw new IllegalArgumentException("range low " + low + " > high " + high);
    }
  }

  /** The range of one exact value. */
  public static Range point(double value) {
    return new Range(value, value);
  }

  /** high − low. */
  public double width() {
    return high - low;
  }

  /** Whether {@code value} lies within the range, ends included. */
  public boolean contains(double value) {
    return value >= low && value <= high;
  }

  /** Whether the two ranges share at least one value (touching ends count). */
  public boolean overlaps(Range other) {
    return low <= other.high && other.low <= high;
  }
}
