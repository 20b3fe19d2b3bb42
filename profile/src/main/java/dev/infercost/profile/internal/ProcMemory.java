package dev.infercost.profile.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident set size from {@code /proc/self/status}; {@code null} where there is no procfs. */
public final class ProcMemory {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private ProcMemory() {}

  public static Long rss() {
    return field("VmRSS:");
  }

  public static Long peak() {
    return field("VmHWM:");
  }

  /**
   * Resets the peak (VmHWM) to the current RSS by writing 5 to {@code clear_refs} (Linux ≥ 4.0).
   * Returns false where that is not allowed: the peak then covers the whole process life.
   */
  public static boolean resetPeak() {
    try {
      Files.writeString(CLEAR_REFS, "5");
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  private static Long field(String name) {
    try {
      for (String l : Files.readAllLines(STATUS)) {
        if (l.startsWith(name)) {
          String[] parts = l.substring(name.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }
}
