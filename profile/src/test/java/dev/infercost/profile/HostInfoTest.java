package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
    h.cpuFeatures()
        .forEach(
            f ->
                assertEquals(
                    true,
                    f.equals("avx2")
                        || f.equals("fma")
                        || f.startsWith("avx512")
                        || f.equals("avx_vnni")
                        || f.startsWith("amx"),
                    f));
  }
}
