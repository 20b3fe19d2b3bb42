package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.infercost.base.CpuInfo;
import dev.infercost.base.HostFingerprint;
import org.junit.jupiter.api.Test;

class HostInfoTest {
  @Test
  void currentHost() {
    HostInfo h = HostInfo.current();
    assertEquals(Runtime.getRuntime().availableProcessors(), h.logicalCores());
    assertFalse(h.cpuModel().isBlank());
    assertFalse(h.os().isBlank());
    assertEquals(System.getProperty("os.arch"), h.arch());
    assertFalse(h.java().isBlank());
    assertFalse(h.onnxRuntime().isBlank());
    assertFalse(h.infercost().isBlank());
    CpuInfo cpu = CpuInfo.read();
    assertEquals(HostFingerprint.inferenceIsa(cpu.flags()), h.cpuFeatures());

    HostFingerprint f = h.fingerprint(3);
    assertEquals(3, f.threads());
    assertEquals(h.cpuModel(), f.cpuModel());
    assertEquals(h.cpuFeatures(), f.isa());
    assertEquals(cpu.family().orElse(null), f.cpuFamily());
    assertEquals(h.logicalCores() / cpu.vcpusPerCore(), f.physicalCores());
    assertEquals(h.onnxRuntime(), f.onnxRuntime());
    assertFalse(f.djl().isBlank());
  }
}
