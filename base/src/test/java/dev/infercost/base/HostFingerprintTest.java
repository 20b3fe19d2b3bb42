package dev.infercost.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostFingerprintTest {
  static final String ZEN5 =
      "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\n"
          + "model name\t: AMD EPYC 9R45\ncpu MHz\t\t: 2596.0\nsiblings\t: 2\ncpu cores\t: 1\n"
          + "flags\t\t: fpu sse2 avx2 fma f16c avx512f avx512bw avx512vl avx512_vnni avx_vnni"
          + " sha_ni\n\nprocessor\t: 1\ncpu family\t: 99\n";
  static final String GRAVITON =
      "processor\t: 0\nBogoMIPS\t: 2100.00\n"
          + "Features\t: fp asimd evtstrm aes crc32 atomics fphp asimdhp asimddp sve i8mm bf16\n"
          + "CPU implementer\t: 0x41\nCPU part\t: 0xd40\n";

  @Test
  void cpuinfoGivesFamilyModelCoresAndTheInferenceFlags() {
    CpuInfo c = CpuInfo.parse(ZEN5);
    assertEquals(26, c.family().orElseThrow(), "first processor's value");
    assertEquals(2, c.modelNumber().orElseThrow());
    assertEquals(2, c.vcpusPerCore());
    assertEquals(2596.0, c.number("cpu MHz").orElseThrow(), 0.0);
    HostFingerprint f =
        HostFingerprint.of(c, "amd64", 2, 1, null, "Linux", "17", "1.23.2", "0.35.1", "dev");
    assertEquals("AMD EPYC 9R45", f.cpuModel());
    assertEquals(1, f.physicalCores());
    assertEquals(
        List.of(
            "avx2", "avx512_vnni", "avx512bw", "avx512f", "avx512vl", "avx_vnni", "f16c", "fma"),
        f.isa());
    assertEquals("AMD EPYC 9R45 (family 26 model 2, 2 logical CPUs, 1 thread)", f.label());
  }

  @Test
  void armHostsAreNamedByImplementerAndPartAndTheirFeaturesLine() {
    CpuInfo c = CpuInfo.parse(GRAVITON);
    HostFingerprint f =
        HostFingerprint.of(c, "aarch64", 2, 2, null, "Linux", "17", "1.23.2", null, "dev");
    assertEquals("aarch64", f.cpuModel(), "no model name: the architecture");
    assertEquals(0x41, f.cpuFamily(), "CPU implementer");
    assertEquals(0xd40, f.cpuModelNumber(), "CPU part");
    assertEquals(2, f.physicalCores());
    assertEquals(List.of("asimd", "asimddp", "asimdhp", "bf16", "i8mm", "sve"), f.isa());
    assertEquals("aarch64 (implementer 0x41 part 0xd40, 2 logical CPUs, 2 threads)", f.label());
    assertEquals(List.of(), CpuInfo.parse("").flags());
  }

  @Test
  void itReadsBackFromJsonAndRefusesUnknownOrBadFields() throws Exception {
    ObjectMapper json = new ObjectMapper();
    HostFingerprint f =
        HostFingerprint.of(
            CpuInfo.parse(ZEN5),
            "amd64",
            2,
            2,
            new HostFingerprint.Gpu("NVIDIA H200", "550.54.15", 1),
            "Linux",
            "17",
            "1.23.2",
            "0.35.1",
            "dev");
    var node = json.valueToTree(f);
    assertEquals(f, HostFingerprint.fromJson(node, "x"));
    ((com.fasterxml.jackson.databind.node.ObjectNode) node).put("turbo", true);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> HostFingerprint.fromJson(node, "f.json"));
    assertTrue(e.getMessage().startsWith("f.json: "), e.getMessage());
    assertTrue(e.getMessage().contains("turbo"), e.getMessage());
    var bad = json.valueToTree(f);
    ((com.fasterxml.jackson.databind.node.ObjectNode) bad).put("physicalCores", 4);
    e = assertThrows(IllegalArgumentException.class, () -> HostFingerprint.fromJson(bad, "f.json"));
    assertTrue(e.getMessage().contains("physical cores <= logical cores"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
  }
}
