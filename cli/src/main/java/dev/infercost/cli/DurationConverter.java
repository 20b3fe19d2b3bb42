package dev.infercost.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A duration written {@code 90s}, {@code 10m}, {@code 1h} or plain seconds. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.isEmpty()) {
      throw new TypeConversionException("an empty duration; write e.g. 90s, 10m or 1h");
    }
    long unit = v.endsWith("h") ? 3600 : v.endsWith("m") ? 60 : 1;
    String number =
        Character.isLetter(v.charAt(v.length() - 1)) ? v.substring(0, v.length() - 1) : v;
    try {
      double seconds = Double.parseDouble(number) * unit;
      if (!(seconds > 0) || Double.isInfinite(seconds)) {
        throw new NumberFormatException();
      }
      return Duration.ofMillis((long) (seconds * 1000));
    } catch (NumberFormatException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a positive duration; write e.g. 90s, 10m or 1h");
    }
  }
}
