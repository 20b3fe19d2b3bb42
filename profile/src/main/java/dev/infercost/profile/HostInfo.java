package dev.infercost.profile;

import dev.infercost.base.CpuInfo;
import dev.infercost.base.HostFingerprint;
import dev.infercost.models.Models;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a measurement ran on: CPU model and its vector extensions, cores, OS, and the versions of
 * Java, ONNX Runtime and infercost. {@link #fingerprint(int)} is the fuller record written into
 * measurement files.
 */
public record HostInfo(
    String cpuModel,
    int logicalCores,
    List<String> cpuFeatures,
    String os,
    String arch,
    String java,
    String onnxRuntime,
    String infercost) {

  private static final Path NVIDIA = Path.of("/proc/driver/nvidia");
  private static final Pattern DRIVER = Pattern.compile("Kernel Module\\s+(\\S+)");

  public HostInfo {
    cpuFeatures = List.copyOf(cpuFeatures);
  }

  /** Reads this host's facts ({@code /proc/cpuinfo} on Linux). */
  public static HostInfo current() {
    CpuInfo cpu = CpuInfo.read();
    String version = HostInfo.class.getPackage().getImplementationVersion();
    return new HostInfo(
        cpu.modelName().orElse(System.getProperty("os.arch")),
        Runtime.getRuntime().availableProcessors(),
        HostFingerprint.inferenceIsa(cpu.flags()),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("os.arch").toLowerCase(Locale.ROOT),
        System.getProperty("java.vm.vendor") + " " + Runtime.version(),
        Models.ortEnvironment().getVersion(),
        version == null ? "dev" : version);
  }

  /**
   * This host's fingerprint (read again from {@code /proc/cpuinfo}) for a measurement that kept
   * {@code threads} threads busy: CPU family, model and cores from {@code /proc/cpuinfo}, the
   * NVIDIA GPU and driver where the kernel driver reports one ({@code /proc/driver/nvidia}; no tool
   * is run), and the JDK, ONNX Runtime and DJL versions.
   */
  public HostFingerprint fingerprint(int threads) {
    return HostFingerprint.of(
        CpuInfo.read(),
        arch,
        logicalCores,
        threads,
        nvidiaGpu(NVIDIA).orElse(null),
        os,
        java,
        onnxRuntime,
        // The class literal does not initialize DJL's engines.
        ai.djl.Device.class.getPackage().getSpecificationVersion(),
        infercost);
  }

  /**
   * The GPUs the NVIDIA kernel driver lists under {@code dir} ({@code gpus/<bus>/information}, line
   * {@code Model:}): the first one's model, how many, and the driver version ({@code version},
   * after {@code Kernel Module}); empty where there is none.
   */
  static Optional<HostFingerprint.Gpu> nvidiaGpu(Path dir) {
    Path gpus = dir.resolve("gpus");
    if (!Files.isDirectory(gpus)) {
      return Optional.empty();
    }
    List<String> models = new ArrayList<>();
    try (Stream<Path> buses = Files.list(gpus)) {
      for (Path bus : buses.sorted().toList()) {
        Path info = bus.resolve("information");
        if (Files.isReadable(info)) {
          CpuInfo.parse(Files.readString(info))
              .text("Model")
              .filter(m -> !m.isBlank())
              .ifPresent(models::add);
        }
      }
      if (models.isEmpty()) {
        return Optional.empty();
      }
      String driver = null;
      Path version = dir.resolve("version");
      if (Files.isReadable(version)) {
        Matcher m = DRIVER.matcher(Files.readString(version));
        driver = m.find() ? m.group(1) : null;
      }
      return Optional.of(new HostFingerprint.Gpu(models.get(0), driver, models.size()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
