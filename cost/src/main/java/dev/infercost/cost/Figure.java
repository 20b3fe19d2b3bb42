package dev.infercost.cost;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.infercost.cost.internal.Checks;
import java.util.Locale;

/**
 * A number with its unit and how it was obtained: {@code measured} on a named host, or {@code
 * estimated} by a named method.
 *
 * @param value the number
 * @param unit its unit ({@code inferences/s}, {@code USD/h})
 * @param provenance measured or estimated, and on what or how
 */
public record Figure(double value, String unit, Provenance provenance) {
  public Figure {
    Checks.finite("value", value);
    Checks.nonBlank("unit", unit);
    if (provenance == null) {
      throw new IllegalArgumentException("provenance is required");
    }
  }

  /** A figure measured on {@code host}. */
  public static Figure measured(double value, String unit, String host) {
    return new Figure(value, unit, Provenance.measured(host));
  }

  /** A figure estimated by {@code method}. */
  public static Figure estimated(double value, String unit, String method) {
    return new Figure(value, unit, Provenance.estimated(method));
  }

  /** Whether the figure was estimated rather than measured. */
  public boolean estimated() {
    return provenance.kind() == Provenance.Kind.ESTIMATED;
  }

  /**
   * How a figure was obtained.
   *
   * @param kind measured or estimated
   * @param detail for a measured figure the host it was measured on; for an estimated one the
   *     method and its inputs
   */
  public record Provenance(Kind kind, String detail) {
    /** Measured or estimated. */
    public enum Kind {
      MEASURED,
      ESTIMATED;

      /** The name reports (JSON included) use: {@code measured}, {@code estimated}. */
      @JsonValue
      public String label() {
        return name().toLowerCase(Locale.ROOT);
      }
    }

    public Provenance {
      if (kind == null) {
        throw new IllegalArgumentException("kind is required");
      }
      Checks.nonBlank(kind == Kind.MEASURED ? "host" : "method", detail);
    }

    /** Measured on {@code host}. */
    public static Provenance measured(String host) {
      return new Provenance(Kind.MEASURED, host);
    }

    /** Estimated by {@code method}. */
    public static Provenance estimated(String method) {
      return new Provenance(Kind.ESTIMATED, method);
    }

    @Override
    public String toString() {
      return (kind == Kind.MEASURED ? "measured on " : "estimated: ") + detail;
    }
  }
}
