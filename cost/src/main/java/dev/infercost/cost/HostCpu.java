package dev.infercost.cost;

import dev.infercost.base.CpuInfo;
import dev.infercost.base.HostFingerprint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
    CpuInfo info = CpuInfo.parse(cpuinfo);
    Set<String> flags = new TreeSet<>(features);
    flags.addAll(info.flags());
    return new HostCpu(
        model,
        arch,
        logicalCores,
        List.copyOf(flags),
        info.number("cpu MHz").map(v -> v / 1000),
        info.vcpusPerCore(),
        info.family(),
        info.modelNumber());
  }

  /**
   * The CPU of the host a measurement file was taken on, from its fingerprint (the clock is not
   * recorded there, so projections from it use {@link #DEFAULT_GHZ} when no catalog entry matches).
   */
  public static HostCpu of(HostFingerprint f) {
    return new HostCpu(
        f.cpuModel(),
        f.arch(),
        f.logicalCores(),
        f.isa(),
        Optional.empty(),
        Math.max(1, f.logicalCores() / f.physicalCores()),
        Optional.ofNullable(f.cpuFamily()),
        Optional.ofNullable(f.cpuModelNumber()));
  }

  /** The text of {@code /proc/cpuinfo}, or {@code ""} where it cannot be read. */
  public static String readCpuinfo() {
    return CpuInfo.readText();
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
