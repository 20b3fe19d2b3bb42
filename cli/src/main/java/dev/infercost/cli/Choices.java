package dev.infercost.cli;

import dev.infercost.compress.CpuFeatures;
import dev.infercost.compress.PassContext;
import dev.infercost.profile.Engine;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
   * {@code words} (lower case) to values; {@code value} looked up case-insensitively, or a
   * conversion error that lists the documented words.
   */
  private static <T> T pick(String value, Map<String, T> words, List<String> documented) {
    T t = words.get(value.toLowerCase(Locale.ROOT));
    if (t == null) {
      throw new TypeConversionException(
          "'" + value + "' is not one of " + String.join(", ", documented));
    }
    return t;
  }

  private static <T> Map<String, T> words(Object... wordValuePairs) {
    Map<String, T> m = new LinkedHashMap<>();
    for (int i = 0; i < wordValuePairs.length; i += 2) {
      @SuppressWarnings("unchecked")
      T v = (T) wordValuePairs[i + 1];
      m.put((String) wordValuePairs[i], v);
    }
    return m;
  }

  /** {@code --engine ort|djl} (also {@code onnxruntime}, {@code pytorch}). */
  static final class EngineConverter implements ITypeConverter<Engine> {
    private static final Map<String, Engine> WORDS =
        words(
            "ort", Engine.ORT, "onnxruntime", Engine.ORT, "djl", Engine.DJL, "pytorch", Engine.DJL);

    @Override
    public Engine convert(String value) {
      return pick(value, WORDS, Engines.WORDS);
    }
  }

  /** Completion candidates of {@code --engine}. */
  static final class Engines implements Iterable<String> {
    static final List<String> WORDS = List.of("ort", "djl");

    @Override
    public Iterator<String> iterator() {
      return WORDS.iterator();
    }
  }

  /** {@code --device cpu|cuda} (also {@code gpu}). */
  static final class DeviceConverter implements ITypeConverter<Device> {
    private static final Map<String, Device> WORDS =
        words("cpu", Device.CPU, "cuda", Device.CUDA, "gpu", Device.CUDA);

    @Override
    public Device convert(String value) {
      return pick(value, WORDS, Devices.WORDS);
    }
  }

  /** Completion candidates of {@code --device}. */
  static final class Devices implements Iterable<String> {
    static final List<String> WORDS = List.of("cpu", "cuda");

    @Override
    public Iterator<String> iterator() {
      return WORDS.iterator();
    }
  }

  /** {@code --reduce-range auto|on|off} (also {@code true}, {@code false}). */
  static final class ReduceRangeConverter implements ITypeConverter<ReduceRange> {
    private static final Map<String, ReduceRange> WORDS =
        words(
            "auto", ReduceRange.AUTO,
            "on", ReduceRange.ON,
            "true", ReduceRange.ON,
            "off", ReduceRange.OFF,
            "false", ReduceRange.OFF);

    @Override
    public ReduceRange convert(String value) {
      return pick(value, WORDS, ReduceRanges.WORDS);
    }
  }

  /** Completion candidates of {@code --reduce-range}. */
  static final class ReduceRanges implements Iterable<String> {
    static final List<String> WORDS = List.of("auto", "on", "off");

    @Override
    public Iterator<String> iterator() {
      return WORDS.iterator();
    }
  }

  /**
   * {@code --smooth auto|off|ALPHA}: the SmoothQuant strength ({@link PassContext#AUTO_ALPHA} for
   * auto, 0 for off); the range of ALPHA is checked where the options are built.
   */
  static final class SmoothConverter implements ITypeConverter<Double> {
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
  }

  /** Completion candidates of {@code --smooth} (besides a number). */
  static final class Smoothings implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return List.of("auto", "off").iterator();
    }
  }
}
