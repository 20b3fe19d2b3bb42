package dev.infercost.cost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The CPU of the host that measured: what {@link Pricer} needs to match it to a catalog entry and
 * to project its measurements onto other CPUs.
 *
 * @param model CPU model name ({@code AMD EPYC 7R13 Processor})
 * @param arch OS architecture ({@code amd64}, {@code aarch64})
 * @param logicalCores logical CPUs the OS reports
 * @param features CPU flags ({@code avx2}, {@code fma}, {@code avx512f}, ...)
 * @param clockGhz current clock from {@code /proc/cpuinfo}, or empty
 * @param vcpusPerCore SMT threads per physical core ({@code siblings ÷ cpu cores}, at least 1)
 * @param cpuFamily {@code cpu family} of {@code /proc/cpuinfo} on x86 ({@code 26} for AMD Zen 5),
 *     {@code CPU implementer} on Arm ({@code 0x41} = 65 for Arm Ltd); empty where not reported
 * @param cpuModel {@code model} on x86, {@code CPU part} on Arm ({@code 0xd40} = 3392 for Neoverse
 *     V1); empty where not reported
 */
public record HostCpu(
    String model,
    String arch,
    int logicalCores,
    List<String> features,
    Optional<Double> clockGhz,
    int vcpusPerCore,
    Optional<Integer> cpuFamily,
    Optional<Integer> cpuModel) {
  /** Clock assumed when {@code /proc/cpuinfo} does not give one. */
  static final double DEFAULT_GHZ = 2.0;

  public HostCpu {
    features = List.copyOf(features);
    if (model == null
        || arch == null
        || clockGhz == null
        || cpuFamily == null
        || cpuModel == null) {
      throw new IllegalArgumentException(
          "model, arch, clock, family and model number are required");
    }
    if (logicalCores < 1 || vcpusPerCore < 1) {
      throw new IllegalArgumentException(
          "logical cores and vCPUs per core must be >= 1, got "
              + logicalCores
              + ", "
              + vcpusPerCore);
    }
  }

  /**
   * A host CPU from what the OS reports plus the text of {@code /proc/cpuinfo} (empty where there
   * is none): its first {@code cpu MHz}, {@code siblings} and {@code cpu cores} give the clock and
   * the SMT threads per core; {@code cpu family} and {@code model} (x86) or {@code CPU implementer}
   * and {@code CPU part} (Arm) the numbers catalog entries match; its {@code flags} (x86) or {@code
   * Features} (Arm) are added to {@code features}.
   */
  public static HostCpu of(
      String model, String arch, int logicalCores, List<String> features, String cpuinfo) {
    Map<String, String> m = new HashMap<>();
    for (String l : cpuinfo.split("\n")) {
      int colon = l.indexOf(':');
      if (colon > 0) {
        m.putIfAbsent(l.substring(0, colon).trim(), l.substring(colon + 1).trim());
      }
    }
    Optional<Double> mhz = number(m, "cpu MHz");
    double siblings = number(m, "siblings").orElse(1.0);
    double coresPerSocket = number(m, "cpu cores").orElse(1.0);
    int perCore = (int) Math.max(1, Math.round(siblings / coresPerSocket));
    Set<String> flags = new TreeSet<>(features);
    for (String key : List.of("flags", "Features")) {
      String f = m.get(key);
      if (f != null && !f.isBlank()) {
        flags.addAll(List.of(f.split("\\s+")));
      }
    }
    Optional<Integer> family =
        integer(m.get("cpu family")).or(() -> integer(m.get("CPU implementer")));
    Optional<Integer> number = integer(m.get("model")).or(() -> integer(m.get("CPU part")));
    return new HostCpu(
        model,
        arch,
        logicalCores,
        List.copyOf(flags),
        mhz.map(v -> v / 1000),
        perCore,
        family,
        number);
  }

  /** A decimal or {@code 0x} hexadecimal number, or empty. */
  private static Optional<Integer> integer(String s) {
    if (s == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          s.startsWith("0x") ? Integer.parseInt(s.substring(2), 16) : Integer.parseInt(s));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The text of {@code /proc/cpuinfo}, or {@code ""} where it cannot be read. */
  public static String readCpuinfo() {
    try {
      return Files.readString(Path.of("/proc/cpuinfo"));
    } catch (IOException e) {
      return "";
    }
  }

  private static Optional<Double> number(Map<String, String> m, String key) {
    try {
      return Optional.of(Double.parseDouble(m.getOrDefault(key, "")));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Physical cores: logical CPUs ÷ SMT threads per core, at least 1. */
  public int cores() {
    return Math.max(1, logicalCores / vcpusPerCore);
  }

  /** Whether the CPU has any AVX-512 subset. */
  public boolean avx512() {
    return features.stream().anyMatch(f -> f.startsWith("avx512"));
  }

  /** The best int8 instructions among its features, or empty where none is known. */
  public Optional<HardwareEntry.Int8Isa> int8Isa() {
    return HardwareEntry.Int8Isa.fromFlags(features);
  }

  /**
   * Its fp32 peak per core estimated from the clock: GHz × FLOP per cycle of its vector unit (2 FMA
   * units of 256 bits with AVX2: 32; 512 bits with AVX-512: 64; without FMA: 16).
   */
  Figure estimatedPeakPerCore() {
    double ghz = clockGhz.orElse(DEFAULT_GHZ);
    int flopsPerCycle = avx512() ? 64 : features.contains("fma") ? 32 : 16;
    return Figure.estimated(
        ghz * flopsPerCycle,
        "GFLOP/s",
        String.format(Locale.ROOT, "%.3f GHz (/proc/cpuinfo) x %d FLOP/cycle", ghz, flopsPerCycle));
  }

  /**
   * For provenance: {@code <model> (family 26 model 2, avx512-vnni, 2 logical CPUs)}, leaving out
   * what is unknown.
   */
  public String label() {
    List<String> parts = new ArrayList<>();
    if (cpuFamily.isPresent()) {
      parts.add("family " + cpuFamily.get() + cpuModel.map(m -> " model " + m).orElse(""));
    }
    int8Isa().ifPresent(i -> parts.add(i.label()));
    parts.add(logicalCores + " logical CPUs");
    return model + " (" + String.join(", ", parts) + ")";
  }
}
