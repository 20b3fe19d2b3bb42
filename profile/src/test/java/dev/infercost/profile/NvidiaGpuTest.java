package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.base.HostFingerprint;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GPU of a fingerprint, read from the NVIDIA kernel driver's files (here, a copy of them). */
class NvidiaGpuTest {
  @TempDir Path dir;

  @Test
  void modelAndDriverFromTheDriversFiles() throws Exception {
    assertTrue(HostInfo.nvidiaGpu(dir).isEmpty(), "no driver: no GPU");
    Path bus = Files.createDirectories(dir.resolve("gpus/0000:00:1e.0"));
    Files.writeString(
        bus.resolve("information"),
        "Model: \t\t NVIDIA H200\nIRQ:   \t\t 0\nGPU UUID: \t GPU-1234\nBus Location: \t 0000:00:1e.0\n");
    assertEquals(new HostFingerprint.Gpu("NVIDIA H200", null, 1), HostInfo.nvidiaGpu(dir).get());
    Files.writeString(
        dir.resolve("version"),
        "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15  Tue Mar  5 22:23:56 UTC 2024\n"
            + "GCC version:  gcc version 12.2.0\n");
    assertEquals(
        new HostFingerprint.Gpu("NVIDIA H200", "550.54.15", 1), HostInfo.nvidiaGpu(dir).get());
    // Every GPU the driver lists is counted; the first one names them.
    Path second = Files.createDirectories(dir.resolve("gpus/0000:00:1f.0"));
    Files.writeString(second.resolve("information"), "Model: \t\t NVIDIA H200\n");
    assertEquals(
        new HostFingerprint.Gpu("NVIDIA H200", "550.54.15", 2), HostInfo.nvidiaGpu(dir).get());
  }
}
