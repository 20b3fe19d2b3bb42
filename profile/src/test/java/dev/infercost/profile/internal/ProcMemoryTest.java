package dev.infercost.profile.internal;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcMemoryTest {
  @Test
  void rssAndPeakOnLinux() {
    assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs procfs");
    Long rss = ProcMemory.rss();
    Long peak = ProcMemory.peak();
    assertNotNull(rss);
    assertNotNull(peak);
    assertTrue(rss > 1 << 20, "rss " + rss);
    assertTrue(peak >= rss, "peak " + peak + " < rss " + rss);
  }
}
