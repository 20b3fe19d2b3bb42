package dev.infercost.cost.internal;

import java.util.Locale;
import java.util.regex.Pattern;

/** Argument checks shared by the value records; each failure names the field and the value. */
public final class Checks {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]+");

  private Checks() {}

  /** {@code value} if it is non-null and not blank. */
  public static String nonBlank(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " is required (a non-empty string)");
    }
    return value;
  }

  /** {@code value} if it is a non-blank id of letters, digits, '.', '_' or '-'. */
  public static String id(String field, String value) {
    nonBlank(field, value);
    if (!ID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          field + " '" + value + "' may hold only letters, digits, '.', '_' and '-'");
    }
    return value;
  }

  /** {@code value} if it is finite. */
  public static double finite(String field, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(field + " must be a finite number, got " + value);
    }
    return value;
  }

  /** {@code value} if it is finite and {@code > 0}. */
  public static double positive(String field, double value) {
    if (!(Double.isFinite(value) && value > 0)) {
      throw new IllegalArgumentException(field + " must be > 0, got " + fmt(value));
    }
    return value;
  }

  /** {@code value} if it is finite and {@code >= 0}. */
  public static double nonNegative(String field, double value) {
    if (!(Double.isFinite(value) && value >= 0)) {
      throw new IllegalArgumentException(field + " must be >= 0, got " + fmt(value));
    }
    return value;
  }

  /** {@code value} if it is null, or finite and {@code > 0}. */
  public static Double positiveOrNull(String field, Double value) {
    if (value != null) {
      positive(field, value);
    }
    return value;
  }

  /** A number for messages: no exponent for ordinary magnitudes, no trailing zeros. */
  public static String fmt(double v) {
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+($|e)", "$1$2");
  }
}
