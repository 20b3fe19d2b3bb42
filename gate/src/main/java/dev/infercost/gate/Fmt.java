package dev.infercost.gate;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Number formatting shared by the table, Markdown and JUnit outputs. */
final class Fmt {
  private Fmt() {}

  /** Integers exactly with grouping (sizes, MACs); others to 6 significant digits. */
  static String number(Double v) {
    if (v == null) {
      return "-";
    }
    double d = v;
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) d);
    }
    BigDecimal b = new BigDecimal(d).round(new MathContext(6)).stripTrailingZeros();
    return Math.abs(d) >= 1e-4 && Math.abs(d) < 1e15 ? b.toPlainString() : b.toString();
  }

  /** A relative change as a signed percentage; tiny nonzero changes keep two significant digits. */
  static String percent(Double change) {
    if (change == null) {
      return "";
    }
    double p = change * 100;
    if (p == 0) {
      return "0%";
    }
    if (Math.abs(p) >= 0.05) {
      return String.format(Locale.ROOT, "%+.1f%%", p);
    }
    return String.format(Locale.ROOT, "%+.2g%%", p);
  }

  /** A worsening fraction as {@code 20.1%}, unsigned. */
  static String worse(double fraction) {
    return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
  }

  /** A threshold fraction as {@code 5%}. */
  static String limit(double fraction) {
    return new BigDecimal(fraction * 100)
            .round(new MathContext(4))
            .stripTrailingZeros()
            .toPlainString()
        + "%";
  }

  static String factor(double f) {
    return String.format(Locale.ROOT, "%.3f", f);
  }
}
