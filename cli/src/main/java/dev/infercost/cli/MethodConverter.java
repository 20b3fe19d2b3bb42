package dev.infercost.cli;

import dev.infercost.workflows.Method;
import java.util.Arrays;
import java.util.Iterator;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --method} and {@code --methods}: a variant name, parsed once into a {@link Method}. */
final class MethodConverter implements ITypeConverter<Method> {
  @Override
  public Method convert(String value) {
    try {
      return Method.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /** Every method's name, for {@code completionCandidates}. */
  static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(Method.values()).map(Method::label).iterator();
    }
  }
}
