package dev.infercost.compress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * What the int8 kernels of this CPU can do. x86 CPUs with AVX2 but without VNNI multiply uint8 ×
 * int8 pairs into 16-bit sums that saturate (vpmaddubsw), so weights there must stay within 7 bits.
 */
public final class CpuFeatures {
  private CpuFeatures() {}

  /** The instruction set that decides the int8 kernel: {@code avx512-vnni}, {@code avx2}, ... */
  public static String int8InstructionSet() {
    Set<String> flags = flags();
    if (flags.contains("avx512_vnni")) {
      return "avx512-vnni";
    }
    if (flags.contains("avx_vnni")) {
      return "avx-vnni";
    }
    if (flags.contains("avx512bw")) {
      return "avx512bw";
    }
    if (flags.contains("avx2")) {
      return "avx2";
    }
    return flags.isEmpty() ? "unknown" : "sse";
  }

  /** True on x86 without VNNI, where uint8 × int8 kernels saturate on full-range weights. */
  public static boolean needsReducedRange() {
    String isa = int8InstructionSet();
    return !isa.contains("vnni") && !isa.equals("unknown");
  }

  private static Set<String> flags() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (l.startsWith("flags")) {
          return Set.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+"));
        }
      }
    } catch (IOException e) {
      // Not Linux: unknown.
    }
    return Set.of();
  }
}
