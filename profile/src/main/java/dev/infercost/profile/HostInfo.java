package dev.infercost.profile;

import dev.infercost.models.Models;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What a measurement ran on: CPU model and its vector extensions, cores, OS, and the versions of
 * Java, ONNX Runtime and infercost.
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

  public HostInfo {
    cpuFeatures = List.copyOf(cpuFeatures);
  }

  /** Reads this host's facts ({@code /proc/cpuinfo} on Linux). */
  public static HostInfo current() {
    String model = System.getProperty("os.arch");
    List<String> features = List.of();
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      for (String l : lines) {
        if (l.startsWith("model name")) {
          model = l.substring(l.indexOf(':') + 1).trim();
        } else if (l.startsWith("flags") && features.isEmpty()) {
          List<String> flags = List.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+"));
          features =
              flags.stream()
                  .filter(
                      f ->
                          f.equals("avx2")
                              || f.equals("fma")
                              || f.startsWith("avx512")
                              || f.equals("avx_vnni")
                              || f.startsWith("amx"))
                  .sorted()
                  .toList();
        }
      }
    } catch (IOException e) {
      // Not Linux: the model stays the architecture name and features stay unknown.
    }
    String version = HostInfo.class.getPackage().getImplementationVersion();
    return new HostInfo(
        model,
        Runtime.getRuntime().availableProcessors(),
        features,
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("os.arch").toLowerCase(Locale.ROOT),
        System.getProperty("java.vm.vendor") + " " + Runtime.version(),
        Models.ortEnvironment().getVersion(),
        version == null ? "dev" : version);
  }
}
