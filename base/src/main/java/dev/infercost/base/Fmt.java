package dev.infercost.base;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * The one number formatter of every report (terminal, Markdown, HTML): significant figures, plain
 * decimals (never scientific notation), SI prefixes for large counts, dollars for money. Costs are
 * shown per 1M inferences with three significant figures: {@code $0.0448}. Text that must fit a
 * cell or a line is cut the same way everywhere ({@link #clip}).
 */
public final class Fmt {
  /** Significant figures of every figure a report shows unless said otherwise. */
  public static final int FIGURES = 3;

  private Fmt() {}

  /**
   * {@code x} to {@code figures} significant figures as a plain decimal: {@code 0.0000448}, {@code
   * 524000}, {@code 2.25}; trailing zeros after the point dropped; {@code -} when not finite.
   */
  public static String sig(double x, int figures) {
    if (!Double.isFinite(x)) {
      return "-";
    }
    if (x == 0) {
      return "0";
    }
    BigDecimal d = new BigDecimal(x).round(new MathContext(figures, RoundingMode.HALF_EVEN));
    String s = d.stripTrailingZeros().toPlainString();
    return s.equals("-0") ? "0" : s;
  }

  /** {@link #sig(double, int)} with {@link #FIGURES}. */
  public static String sig(double x) {
    return sig(x, FIGURES);
  }

  /** Dollars to three significant figures: {@code $0.0448}, {@code $1.23}, {@code $1230}. */
  public static String usd(double dollars) {
    return Double.isFinite(dollars) ? "$" + sig(dollars) : "-";
  }

  /** A ratio as a multiplier: {@code 2.25×}. */
  public static String times(double ratio) {
    return sig(ratio) + "×";
  }

  /**
   * A count with an SI prefix and three significant figures: {@code 391k}, {@code 1.24M}, {@code
   * 850}.
   */
  public static String si(double x) {
    if (!Double.isFinite(x)) {
      return "-";
    }
    double a = Math.abs(x);
    String[] prefixes = {"", "k", "M", "G", "T"};
    int i = 0;
    // Round first, so 999.7 becomes 1.00k rather than 1000.
    while (i < prefixes.length - 1
        && new BigDecimal(a / Math.pow(1000, i))
                .round(new MathContext(FIGURES, RoundingMode.HALF_EVEN))
                .doubleValue()
            >= 1000) {
      i++;
    }
    return sig(x / Math.pow(1000, i)) + prefixes[i];
  }

  /** {@code s} whole when it has at most {@code max} characters, else its first max − 1 and "…". */
  public static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  /** {@code x} with exactly {@code decimals} places, for columns that line up. */
  public static String fixed(double x, int decimals) {
    return Double.isFinite(x) ? String.format(Locale.ROOT, "%." + decimals + "f", x) : "-";
  }
}
