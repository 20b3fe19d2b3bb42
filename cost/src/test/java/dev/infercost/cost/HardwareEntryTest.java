package dev.infercost.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.cost.HardwareEntry.Accelerator;
import dev.infercost.cost.HardwareEntry.Cpu;
import dev.infercost.cost.HardwareEntry.Kind;
import dev.infercost.cost.HardwareEntry.PriceSource;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HardwareEntryTest {
  private static final PriceSource SRC = new PriceSource("s", null, null, "2025-01");
  private static final Cpu CPU = new Cpu("x", 2, 3.0, 192.0, null, null, null, null, null);
  private static final Accelerator GPU =
      new Accelerator("T4", 1, 16.0, 8.1, 65.0, 130.0, 320.0, 70.0, List.of(), null, null);

  private static HardwareEntry cloud(Kind kind, Accelerator acc, Double price) {
    return new HardwareEntry(
        "id-1", List.of(), "aws", "r", kind, null, 4, 8.0, CPU, acc, price, SRC, null, false, null);
  }

  @Test
  void coresFromVcpusAndThreadsPerCore() {
    assertEquals(2, cloud(Kind.CPU, null, 1.0).cores());
    HardwareEntry noSmtInfo =
        new HardwareEntry(
            "x", null, "aws", "r", Kind.CPU, null, 4, 8.0, null, null, 1.0, SRC, null, false, null);
    assertNull(noSmtInfo.cores());
    assertTrue(noSmtInfo.aliases().isEmpty());
  }

  @Test
  void kindRules() {
    assertThrows(IllegalArgumentException.class, () -> cloud(Kind.GPU, null, 1.0));
    assertThrows(IllegalArgumentException.class, () -> cloud(Kind.CPU, GPU, 1.0));
    assertThrows(IllegalArgumentException.class, () -> cloud(Kind.CPU, null, null));
    assertThrows(IllegalArgumentException.class, () -> cloud(Kind.ONPREM, null, null));
    assertEquals("gpu", cloud(Kind.GPU, GPU, 1.0).kind().label());
  }

  @Test
  void idsAndPrices() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new HardwareEntry(
                "has space",
                null,
                "aws",
                "r",
                Kind.CPU,
                null,
                1,
                1.0,
                null,
                null,
                1.0,
                SRC,
                null,
                false,
                null));
    assertThrows(IllegalArgumentException.class, () -> cloud(Kind.CPU, null, -1.0));
    assertThrows(
        IllegalArgumentException.class, () -> cloud(Kind.CPU, null, Double.POSITIVE_INFINITY));
  }

  @Test
  void derivedFiguresNeedKnownNamesAndANote() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Accelerator("A", 1, null, 1.0, null, null, null, null, List.of("fp32"), "n", null));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Accelerator(
                "A", 1, null, 1.0, null, null, null, null, List.of("fp32Tflops"), null, null));
    assertTrue(
        new Accelerator("A", 1, null, 1.0, null, null, null, null, List.of("fp32Tflops"), "n", null)
            .isDerived("fp32Tflops"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Accelerator("A", 0, null, null, null, null, null, null, null, null, null));
  }

  @Test
  void priceSourceNeedsSourceAndDate() {
    assertThrows(IllegalArgumentException.class, () -> new PriceSource("", null, null, "d"));
    assertThrows(IllegalArgumentException.class, () -> new PriceSource("s", null, null, null));
  }

  @Test
  void int8FullRangeOnlyWhereEveryHostMultipliesInt8WithoutSaturating() throws Exception {
    Catalog c = Catalog.builtin();
    assertFalse(c.require("aws-c6a.large").cpu().int8FullRange());
    assertTrue(c.require("aws-c7i.large").cpu().int8FullRange());
    assertTrue(c.require("aws-c7g.large").cpu().int8FullRange());
    // Its Skylake hosts have no VNNI, so the entry's ISA is the weakest one.
    assertEquals(HardwareEntry.Int8Isa.AVX512BW, c.require("azure-f2s_v2").cpu().int8Isa());
    assertFalse(c.require("azure-f2s_v2").cpu().int8FullRange());
    assertFalse(
        new HardwareEntry.Cpu(null, 2, null, null, null, null, null, null, null).int8FullRange());
  }

  @Test
  void int8IsaFromCpuinfoFlagsTakesTheBestKernel() {
    assertEquals(
        Optional.of(HardwareEntry.Int8Isa.AMX),
        HardwareEntry.Int8Isa.fromFlags(List.of("avx2", "avx512_vnni", "amx_int8")));
    assertEquals(
        Optional.of(HardwareEntry.Int8Isa.AVX512_VNNI),
        HardwareEntry.Int8Isa.fromFlags(List.of("avx2", "avx512bw", "avx_vnni", "avx512_vnni")));
    assertEquals(
        Optional.of(HardwareEntry.Int8Isa.AVX2), HardwareEntry.Int8Isa.fromFlags(List.of("avx2")));
    assertEquals(
        Optional.of(HardwareEntry.Int8Isa.ARM_I8MM),
        HardwareEntry.Int8Isa.fromFlags(List.of("asimd", "asimddp", "i8mm")));
    assertEquals(Optional.empty(), HardwareEntry.Int8Isa.fromFlags(List.of("sse2")));
    for (HardwareEntry.Int8Isa i : HardwareEntry.Int8Isa.values()) {
      assertEquals(Optional.of(i), HardwareEntry.Int8Isa.parse(i.label()));
    }
  }

  @Test
  void everyPricedCpuEntryWithAFactorSaysWhereItComesFrom() throws Exception {
    for (HardwareEntry e : Catalog.builtin().entries()) {
      HardwareEntry.Sourced f = e.cpu().int8Factor();
      if (f != null) {
        assertTrue(f.value() > 1, e.id() + ": int8 faster than fp32");
        assertTrue(f.source().contains("measured by this project"), e.id());
      }
    }
    assertEquals(1.65, Catalog.builtin().require("aws-c6a.large").cpu().int8Factor().value(), 0);
    assertEquals(2.29, Catalog.builtin().require("aws-c7i.large").cpu().int8Factor().value(), 0);
  }

  @Test
  void matchNeedsSomethingToMatchAndAFamilyForModels() {
    assertThrows(IllegalArgumentException.class, () -> new HardwareEntry.Match(null, null, null));
    assertThrows(
        IllegalArgumentException.class, () -> new HardwareEntry.Match(null, List.of(1), null));
    assertThrows(IllegalArgumentException.class, () -> new HardwareEntry.Match(6, null, "(("));
    HardwareEntry.Match m = new HardwareEntry.Match(6, List.of(143), "8488C");
    assertTrue(m.matches(6, 143, "Intel(R) Xeon(R) Platinum 8488C"));
    assertFalse(m.matches(6, 143, "Intel(R) Xeon(R) Platinum 8473C"));
    assertFalse(m.matches(6, 106, "Intel(R) Xeon(R) Platinum 8488C"));
    assertFalse(m.matches(null, null, "Intel(R) Xeon(R) Platinum 8488C"));
  }
}
