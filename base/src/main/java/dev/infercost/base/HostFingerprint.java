package dev.infercost.base;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The machine a measurement ran on, as written into every measurement file ({@code profile --json},
 * {@code bench} results, {@code choose} reports) so that a file measured elsewhere can be matched
 * to a catalog entry and its figures priced as measured there.
 *
 * @param cpuModel CPU model name ({@code AMD EPYC 7R13 Processor}), or the architecture where the
 *     OS gives none
 * @param cpuFamily x86 {@code cpu family} (25 = AMD Zen 3/4, 26 = Zen 5), or null
 * @param cpuModelNumber x86 {@code model} within the family, or null
 * @param arch OS architecture ({@code amd64}, {@code aarch64})
 * @param logicalCores logical CPUs the OS reports
 * @param physicalCores physical cores (logical ÷ SMT threads per core)
 * @param threads threads the measurement kept busy
 * @param isa the instruction-set flags that change inference kernels ({@link #inferenceIsa}),
 *     sorted
 * @param gpu the GPU where known, else null
 * @param os operating system and version
 * @param jdk Java runtime
 * @param onnxRuntime ONNX Runtime version
 * @param djl DJL version, or null
 * @param infercost infercost version
 */
public record HostFingerprint(
    String cpuModel,
    Integer cpuFamily,
    Integer cpuModelNumber,
    String arch,
    int logicalCores,
    int physicalCores,
    int threads,
    List<String> isa,
    Gpu gpu,
    String os,
    String jdk,
    String onnxRuntime,
    String djl,
    String infercost) {

  /**
   * The GPUs as their driver reports them.
   *
   * @param name model of the first one ({@code NVIDIA H200})
   * @param driver driver version, or null
   * @param count how many GPUs the driver lists; null in files written before it was recorded
   */
  public record Gpu(String name, String driver, Integer count) {
    public Gpu {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("gpu.name is required");
      }
      if (count != null && count < 1) {
        throw new IllegalArgumentException("gpu.count must be >= 1, got " + count);
      }
    }
  }

  public HostFingerprint {
    if (cpuModel == null || cpuModel.isBlank() || arch == null || arch.isBlank()) {
      throw new IllegalArgumentException("cpuModel and arch are required");
    }
    if (logicalCores < 1 || physicalCores < 1 || threads < 1 || physicalCores > logicalCores) {
      throw new IllegalArgumentException(
          "cores and threads must be >= 1 and physical cores <= logical cores, got "
              + logicalCores
              + " logical, "
              + physicalCores
              + " physical, "
              + threads
              + " threads");
    }
    isa = List.copyOf(Objects.requireNonNullElse(isa, List.of()));
  }

  /**
   * The CPU part of a fingerprint from {@code /proc/cpuinfo} and what the JVM reports; the versions
   * are given by the caller (the modules that own the runtimes).
   */
  public static HostFingerprint of(
      CpuInfo cpu,
      String arch,
      int logicalCores,
      int threads,
      Gpu gpu,
      String os,
      String jdk,
      String onnxRuntime,
      String djl,
      String infercost) {
    return new HostFingerprint(
        cpu.modelName().orElse(arch),
        cpu.family().orElse(null),
        cpu.modelNumber().orElse(null),
        arch,
        logicalCores,
        Math.max(1, logicalCores / cpu.vcpusPerCore()),
        threads,
        inferenceIsa(cpu.flags()),
        gpu,
        os,
        jdk,
        onnxRuntime,
        djl,
        infercost);
  }

  /**
   * A fingerprint as written in a measurement file; unknown fields are refused.
   *
   * @param where names the file and field for the message ({@code results.json: fingerprint})
   * @throws IllegalArgumentException one line naming {@code where} and what is wrong
   */
  public static HostFingerprint fromJson(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(where + " must be an object");
    }
    try {
      return StrictJson.reader().treeToValue(node, HostFingerprint.class);
    } catch (ValueInstantiationException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      throw new IllegalArgumentException(where + ": " + OneLine.joined(c.getMessage()), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(where + ": " + StrictJson.reason(e), e);
    }
  }

  /**
   * Of a CPU's flags, those that change which inference kernels run, sorted: x86 {@code avx2},
   * {@code fma}, {@code f16c}, every {@code avx512*}, {@code avx_vnni}, {@code avx_vnni_int8},
   * every {@code amx_*}; Arm {@code asimd}, {@code asimddp} (dot product), {@code asimdhp}, {@code
   * sve}, {@code sve2}, {@code i8mm}, {@code bf16}, {@code svei8mm}, {@code svebf16}.
   */
  public static List<String> inferenceIsa(Collection<String> flags) {
    return flags.stream()
        .map(f -> f.toLowerCase(Locale.ROOT))
        .filter(HostFingerprint::inferenceFlag)
        .distinct()
        .sorted()
        .toList();
  }

  private static boolean inferenceFlag(String f) {
    return f.startsWith("avx512")
        || f.startsWith("amx_")
        || List.of(
                "avx2",
                "fma",
                "f16c",
                "avx_vnni",
                "avx_vnni_int8",
                "asimd",
                "asimddp",
                "asimdhp",
                "sve",
                "sve2",
                "i8mm",
                "bf16",
                "svei8mm",
                "svebf16")
            .contains(f);
  }

  /**
   * For provenance, one line: {@code AMD EPYC 7R13 Processor (family 25 model 1, 2 logical CPUs, 1
   * thread)}, with the GPU where there is one.
   */
  public String label() {
    boolean arm = "aarch64".equals(arch) || "arm64".equals(arch);
    String id =
        cpuFamily == null
            ? ""
            : arm
                ? String.format(java.util.Locale.ROOT, "implementer 0x%x", cpuFamily)
                    + (cpuModelNumber == null
                        ? ""
                        : String.format(java.util.Locale.ROOT, " part 0x%x", cpuModelNumber))
                    + ", "
                : "family "
                    + cpuFamily
                    + (cpuModelNumber == null ? "" : " model " + cpuModelNumber)
                    + ", ";
    return cpuModel
        + " ("
        + id
        + logicalCores
        + " logical CPUs, "
        + threads
        + (threads == 1 ? " thread" : " threads")
        + (gpu == null ? "" : ", " + gpu.name())
        + ")";
  }
}
