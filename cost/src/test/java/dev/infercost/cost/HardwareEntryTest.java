package dev.infercost.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.cost.HardwareEntry.Accelerator;
import dev.infercost.cost.HardwareEntry.Cpu;
import dev.infercost.cost.HardwareEntry.Kind;
import dev.infercost.cost.HardwareEntry.PriceSource;
import java.util.List;
import org.junit.jupiter.api.Test;

class HardwareEntryTest {
  private static final PriceSource SRC = new PriceSource("s", null, null, "2025-01");
  private static final Cpu CPU = new Cpu("x", 2, 3.0, 192.0, null, null, null);
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
    org.junit.jupiter.api.Assertions.assertFalse(c.require("aws-c6a.large").cpu().int8FullRange());
    org.junit.jupiter.api.Assertions.assertTrue(c.require("aws-c7i.large").cpu().int8FullRange());
    org.junit.jupiter.api.Assertions.assertTrue(c.require("aws-c7g.large").cpu().int8FullRange());
    org.junit.jupiter.api.Assertions.assertFalse(
        new HardwareEntry.Cpu(
                null, 2, null, null, "AVX-512 VNNI (not on Skylake 8168 hosts)", null, null)
            .int8FullRange());
    org.junit.jupiter.api.Assertions.assertFalse(
        new HardwareEntry.Cpu(null, 2, null, null, null, null, null).int8FullRange());
  }
}
