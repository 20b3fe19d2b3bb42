package dev.infercost.base;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The text of {@code /proc/cpuinfo}, parsed once: the first value of every {@code key : value} line
 * (the first processor's). The one reader of that file: host matching, projections and the host
 * fingerprint of measurement files all read the CPU through it.
 */
public final class CpuInfo {
  private static final Path FILE = Path.of("/proc/cpuinfo");

  private final Map<String, String> first;

  private CpuInfo(Map<String, String> first) {
    this.first = Map.copyOf(first);
  }

  /** The parsed text ({@code ""} gives an empty one). */
  public static CpuInfo parse(String text) {
    Map<String, String> m = new HashMap<>();
    for (String l : text.split("\n")) {
      int colon = l.indexOf(':');
      if (colon > 0) {
        m.putIfAbsent(l.substring(0, colon).trim(), l.substring(colon + 1).trim());
      }
    }
    return new CpuInfo(m);
  }

  /** This host's {@code /proc/cpuinfo}, empty where it cannot be read (not Linux). */
  public static CpuInfo read() {
    return parse(readText());
  }

  /** The text of {@code /proc/cpuinfo}, or {@code ""} where it cannot be read. */
  public static String readText() {
    try {
      return Files.readString(FILE);
    } catch (IOException e) {
      return "";
    }
  }

  /** The first value of {@code key}, if any line has it. */
  public Optional<String> text(String key) {
    return Optional.ofNullable(first.get(key));
  }

  /** The first value of {@code key} as a number, empty when absent or not a number. */
  public Optional<Double> number(String key) {
    try {
      return text(key).map(Double::parseDouble);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** {@code model name} (x86), empty where absent (most Arm kernels). */
  public Optional<String> modelName() {
    return text("model name");
  }

  /**
   * {@code cpu family} (x86: 25 = AMD Zen 3/4, 26 = Zen 5, 6 = Intel Core/Xeon), else {@code CPU
   * implementer} (Arm: 0x41 = Arm Ltd), or empty.
   */
  public Optional<Integer> family() {
    return integer("cpu family").or(() -> integer("CPU implementer"));
  }

  /** {@code model} number within the family (x86), else {@code CPU part} (Arm), or empty. */
  public Optional<Integer> modelNumber() {
    return integer("model").or(() -> integer("CPU part"));
  }

  /** The CPU flags: {@code flags} on x86, {@code Features} on Arm; empty where neither is. */
  public List<String> flags() {
    String f = text("flags").or(() -> text("Features")).orElse("").trim();
    return f.isEmpty() ? List.of() : List.of(f.split("\\s+"));
  }

  /** SMT threads per physical core: {@code siblings ÷ cpu cores}, at least 1 (1 when absent). */
  public int vcpusPerCore() {
    double siblings = number("siblings").orElse(1.0);
    double cores = number("cpu cores").orElse(1.0);
    return (int) Math.max(1, Math.round(siblings / cores));
  }

  /** A decimal or {@code 0x} hexadecimal number, or empty. */
  private Optional<Integer> integer(String key) {
    try {
      return text(key)
          .map(
              s -> s.startsWith("0x") ? Integer.parseInt(s.substring(2), 16) : Integer.parseInt(s));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
