package dev.infercost.cli;

import dev.infercost.compress.CpuFeatures;
import dev.infercost.compress.PassContext;
import dev.infercost.profile.Engine;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Typed values of the options that take one of a few words ({@code --engine}, {@code --device},
 * {@code --reduce-range}, {@code --smooth}): picocli converts them once, and a bad value is its
 * usage error (exit 2). Each converter accepts its words case-insensitively, plus a few aliases;
 * the completion candidates list only the documented words.
 */
final class Choices {
  private Choices() {}

  /** The device {@code --device} names. */
  enum Device {
    CPU,
    CUDA
  }

  /** {@code --reduce-range auto|on|off}: 7-bit weights always, never, or where the CPU needs it. */
  enum ReduceRange {
    AUTO,
    ON,
    OFF;

    /** Whether to reduce the weight range on this machine. */
    boolean enabled() {
      return switch (this) {
        case AUTO -> CpuFeatures.needsReducedRange();
        case ON -> true;
        case OFF -> false;
      };
    }
  }

  /**
   * An option that takes one of a few words: picocli's converter (case-insensitive, aliases
   * included) and completion candidates (the documented words) in one class.
   */
  private abstract static class Words<T> implements ITypeConverter<T>, Iterable<String> {
    private final List<String> documented;
    private final Map<String, T> words;

    /**
     * The {@code documented} words, and every word (lower case) that converts, aliases included.
     */
    Words(List<String> documented, Map<String, T> words) {
      this.documented = documented;
      this.words = words;
    }

    @Override
    public T convert(String value) {
      T t = words.get(value.toLowerCase(Locale.ROOT));
      if (t == null) {
        throw new TypeConversionException(
            "'" + value + "' is not one of " + String.join(", ", documented));
      }
      return t;
    }

    @Override
    public Iterator<String> iterator() {
      return documented.iterator();
    }
  }

  /** {@code --engine ort|djl} (also {@code onnxruntime}, {@code pytorch}). */
  static final class Engines extends Words<Engine> {
    Engines() {
      super(
          List.of("ort", "djl"),
          Map.of(
              "ort",
              Engine.ORT,
              "onnxruntime",
              Engine.ORT,
              "djl",
              Engine.DJL,
              "pytorch",
              Engine.DJL));
    }
  }

  /** {@code --device cpu|cuda} (also {@code gpu}). */
  static final class Devices extends Words<Device> {
    Devices() {
      super(
          List.of("cpu", "cuda"),
          Map.of("cpu", Device.CPU, "cuda", Device.CUDA, "gpu", Device.CUDA));
    }
  }

  /** {@code --reduce-range auto|on|off} (also {@code true}, {@code false}). */
  static final class ReduceRanges extends Words<ReduceRange> {
    ReduceRanges() {
      super(
          List.of("auto", "on", "off"),
          Map.of(
              "auto",
              ReduceRange.AUTO,
              "on",
              ReduceRange.ON,
              "true",
              ReduceRange.ON,
              "off",
              ReduceRange.OFF,
              "false",
              ReduceRange.OFF));
    }
  }

  /**
   * {@code --smooth auto|off|ALPHA}: the SmoothQuant strength ({@link PassContext#AUTO_ALPHA} for
   * auto, 0 for off); the range of ALPHA is checked where the options are built. Its completion
   * candidates are the two words.
   */
  static final class Smoothings implements ITypeConverter<Double>, Iterable<String> {
    @Override
    public Double convert(String value) {
      switch (value.toLowerCase(Locale.ROOT)) {
        case "auto":
          return PassContext.AUTO_ALPHA;
        case "off":
          return 0.0;
        default:
          try {
            return Double.parseDouble(value);
          } catch (NumberFormatException e) {
            throw new TypeConversionException(
                "'" + value + "' is not auto, off or a number in [0, 1]");
          }
      }
    }

    @Override
    public Iterator<String> iterator() {
      return List.of("auto", "off").iterator();
    }
  }
}
