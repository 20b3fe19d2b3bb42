package dev.infercost.cli;

import dev.infercost.workflows.Method;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code compress --method}: one {@link Method} ({@code none} is fp32: pruning or sparsity alone),
 * or {@code auto} for the search.
 *
 * @param method the method, or {@code null} for {@code auto}
 */
record MethodChoice(Method method) {
  static final String AUTO = "auto";

  /** Pruning or sparsity alone: the fp32 model with only those stages. */
  static final String NONE = "none";

  boolean auto() {
    return method == null;
  }

  @Override
  public String toString() {
    return auto() ? AUTO : method.label();
  }

  /** Parses {@code auto} or a method name. */
  static final class Converter implements ITypeConverter<MethodChoice> {
    @Override
    public MethodChoice convert(String value) {
      if (value.trim().toLowerCase(Locale.ROOT).equals(AUTO)) {
        return new MethodChoice(null);
      }
      if (value.trim().toLowerCase(Locale.ROOT).equals(NONE)) {
        return new MethodChoice(Method.FP32);
      }
      try {
        return new MethodChoice(Method.parse(value));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage() + ", " + NONE + " or " + AUTO);
      }
    }
  }
}
