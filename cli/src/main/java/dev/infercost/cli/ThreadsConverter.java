package dev.infercost.cli;

import dev.infercost.profile.ProfileOptions;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A {@code --threads} count: at least 1, at most {@link ProfileOptions#maxThreads()}. */
final class ThreadsConverter implements ITypeConverter<Integer> {
  @Override
  public Integer convert(String value) {
    int max = ProfileOptions.maxThreads();
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Refused below.
    }
    throw new TypeConversionException(
        "threads must be in [1, "
            + max
            + "] on this host ("
            + Runtime.getRuntime().availableProcessors()
            + " logical CPUs), got '"
            + value
            + "'");
  }
}
