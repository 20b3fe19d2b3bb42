package dev.infercost.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.cost.Projection.CpuHost;
import dev.infercost.cost.Projection.Precision;
import dev.infercost.cost.Projection.Work;
import org.junit.jupiter.api.Test;

class ProjectionTest {
  private static final Catalog CATALOG = Catalog.builtin();

  @Test
  void cpuScalingByHand() {
    // 4 cores without SMT; T1 = 100/s, T2 = 180/s -> speedup 1.8 -> s = (2/1.8 - 1)/(2 - 1) = 1/9.
    CpuHost host = new CpuHost("dev-host", 100, 4, 1, 100, 2, 180);
    assertEquals(1.0 / 9, host.serialFraction(), 1e-12);
    assertEquals(1, host.smtGain(), 0);
    // S(4) = 1/(1/9 + (8/9)/4) = 3; T = 100 x (200/100) x 3 = 600.
    Figure f = Projection.cpu(host, 200, 4, 1);
    assertEquals(600, f.value(), 1e-9);
    assertEquals("inferences/s", f.unit());
    assertTrue(f.estimated());
    assertTrue(f.provenance().detail().contains("dev-host"), f.provenance().detail());
    assertTrue(f.provenance().detail().startsWith("cpu-scaling"), f.provenance().detail());
    // A target like the host gives the host's own measurement back: T1 x S(2) = 180.
    assertEquals(180, Projection.cpu(host, 100, 2, 1).value(), 1e-9);
  }

  @Test
  void sameCoresScalesByPeakOnly() {
    CpuHost host = new CpuHost("h", 64, 2, 1, 100, 2, 150);
    assertEquals(150 * 204.8 / 64, Projection.cpu(host, 204.8, 2, 1).value(), 1e-9);
  }

  @Test
  void perfectScalingIsLinearInCores() {
    CpuHost host = new CpuHost("h", 100, 2, 1, 100, 2, 200);
    assertEquals(0, host.serialFraction(), 0);
    assertEquals(800, Projection.cpu(host, 100, 8, 1).value(), 1e-9);
  }

  @Test
  void superlinearIsClampedToLinearAndSlowdownToFlat() {
    CpuHost superlinear = new CpuHost("h", 100, 2, 1, 100, 2, 250);
    assertEquals(0, superlinear.serialFraction(), 0);
    assertEquals(100 * 4, Projection.cpu(superlinear, 100, 4, 1).value(), 1e-9);
    CpuHost slower = new CpuHost("h", 100, 2, 1, 100, 2, 90);
    assertEquals(1, slower.serialFraction(), 0);
    assertEquals(100, Projection.cpu(slower, 100, 16, 1).value(), 1e-9);
  }

  @Test
  void singleThreadMeasurementAssumesLinearScalingAndSaysSo() {
    Figure f = Projection.cpu(CpuHost.oneThread("h", 100, 1, 2, 50), 100, 4, 2);
    assertEquals(200, f.value(), 1e-9, "linear over 4 cores, no SMT gain");
    assertTrue(f.provenance().detail().contains("linear core scaling"));
  }

  @Test
  void singleCoreSmtHostMeasuresTheSmtGain() {
    // A 2-vCPU x86 instance: 1 core, 2 threads. 2 threads give 1.5x: that is the SMT gain.
    CpuHost host = new CpuHost("c6a", 100, 1, 2, 40, 2, 60);
    assertEquals(1.5, host.smtGain(), 1e-12);
    assertEquals(0, host.serialFraction(), 0);
    // Same kind of machine: the host's own 60/s back.
    assertEquals(60, Projection.cpu(host, 100, 1, 2).value(), 1e-9);
    // 2 cores without SMT (a 2-vCPU Arm instance) at 80% of the peak: 40 x 0.8 x 2, no SMT gain.
    Figure arm = Projection.cpu(host, 80, 2, 1);
    assertEquals(64, arm.value(), 1e-9);
    assertTrue(arm.provenance().detail().contains("SMT gain 1.5"), arm.provenance().detail());
    // 2 SMT cores: 40 x 2 x 1.5.
    assertEquals(120, Projection.cpu(host, 100, 2, 2).value(), 1e-9);
  }

  @Test
  void cpuOntoCatalogEntry() throws CatalogException {
    // c7i.xlarge: 204.8 GFLOP/s per core, 4 vCPUs at 2 per core = 2 cores with SMT.
    HardwareEntry c7i = CATALOG.require("aws-c7i.xlarge");
    assertEquals(2, c7i.cores());
    CpuHost host = new CpuHost("h", 102.4, 2, 1, 100, 2, 180);
    Figure f = Projection.cpu(host, c7i);
    // s = 1/9: S(2) = 1.8; this host has no SMT, so no SMT gain: T = 100 x 2 x 1.8 = 360.
    assertEquals(360, f.value(), 1e-9);
    assertTrue(f.provenance().detail().contains("aws-c7i.xlarge"));
  }

  @Test
  void cpuOntoEntryWithoutPeakIsACatalogError() {
    CpuHost host = new CpuHost("h", 102.4, 2, 1, 100, 2, 180);
    CatalogException e =
        assertThrows(
            CatalogException.class, () -> Projection.cpu(host, CATALOG.require("aws-g5.xlarge")));
    assertTrue(e.getMessage().contains("aws-g5.xlarge"), e.getMessage());
    assertTrue(e.getMessage().contains("fp32GflopsPerCore"), e.getMessage());
  }

  @Test
  void rooflineComputeBoundByHand() {
    // 10 GFLOP per batch of 8 at 10 TFLOP/s x 0.5 -> 2 ms; 1 MB at 100 GB/s x 0.5 -> 0.02 ms.
    Figure f = Projection.gpu(new Work(10e9, 1e6, 8), 10, 100, 1, 0.5, "gpu");
    assertEquals(8 / 2e-3, f.value(), 1e-6);
    assertTrue(f.provenance().detail().contains("compute-bound"), f.provenance().detail());
  }

  @Test
  void rooflineMemoryBoundByHand() {
    // 1 GFLOP at 100 TFLOP/s x 1 -> 0.01 ms; 200 MB at 200 GB/s x 1 -> 1 ms; 2 GPUs.
    Figure f = Projection.gpu(new Work(1e9, 200e6, 4), 100, 200, 2, 1.0, "gpu");
    assertEquals(2 * 4 / 1e-3, f.value(), 1e-6);
    assertTrue(f.provenance().detail().contains("memory-bound"));
  }

  @Test
  void rooflineOntoCatalogEntryUsesPrecisionPeakAndDefaultEfficiency() throws CatalogException {
    HardwareEntry t4 = CATALOG.require("t4");
    Work w = new Work(130e12 * 0.01, 1, 1); // 10 ms at the full int8 peak
    Figure f = Projection.gpu(w, t4, Precision.INT8);
    assertEquals(1 / (0.01 / Projection.DEFAULT_GPU_EFFICIENCY), f.value(), 1e-9);
    assertTrue(f.estimated());
    assertFalse(f.provenance().detail().contains("derived"));
  }

  @Test
  void derivedCatalogFiguresAreNamedInTheMethod() throws CatalogException {
    Figure f = Projection.gpu(new Work(1e12, 1e6, 1), CATALOG.require("a100"), Precision.FP16);
    assertTrue(f.provenance().detail().contains("derived catalog figures: fp16Tflops"));
  }

  @Test
  void missingPeakIsACatalogError() {
    CatalogException e =
        assertThrows(
            CatalogException.class,
            () -> Projection.gpu(new Work(1e9, 1e6, 1), CATALOG.require("h100"), Precision.FP16));
    assertTrue(e.getMessage().contains("fp16Tflops"), e.getMessage());
    assertThrows(
        CatalogException.class,
        () ->
            Projection.gpu(
                new Work(1e9, 1e6, 1), CATALOG.require("aws-c7i.large"), Precision.FP32));
  }

  @Test
  void measuredFigureIsLabelledMeasured() {
    Figure f = Projection.measured(123, "aws-c6a.large");
    assertFalse(f.estimated());
    assertEquals("aws-c6a.large", f.provenance().detail());
  }

  @Test
  void rejectsBadInputs() {
    assertThrows(IllegalArgumentException.class, () -> new Work(0, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new Work(1, 1, 0));
    assertThrows(
        IllegalArgumentException.class, () -> Projection.gpu(new Work(1, 1, 1), 1, 1, 1, 0, "g"));
    assertThrows(
        IllegalArgumentException.class, () -> Projection.gpu(new Work(1, 1, 1), 1, 1, 1, 1.5, "g"));
    assertThrows(IllegalArgumentException.class, () -> new CpuHost("h", 1, 0, 1, 1, 1, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> Projection.cpu(CpuHost.oneThread("h", 1, 1, 1, 1), 1, 0, 1));
  }

  @Test
  void int8QdqRooflineByHand() throws CatalogException {
    // T4: 130 int8 TOP/s, 65 fp16 TFLOP/s, 320 GB/s, η = 0.5. 2 GFLOP of which 1.5 in int8.
    HardwareEntry t4 = CATALOG.require("t4");
    Work w = new Work(2e9, 1e6, 1);
    Figure f = Projection.gpuInt8(w, 1.5e9, t4);
    double seconds = (1.5e9 / 130e12 + 0.5e9 / 65e12) / 0.5; // compute-bound: 6.25 µs memory
    assertEquals(1 / seconds, f.value(), 1e-6 / seconds);
    assertTrue(f.provenance().detail().contains("INT8"), f.provenance().detail());
    // All in int8 is the plain int8 roofline.
    assertEquals(
        Projection.gpu(w, t4, Precision.INT8).value(),
        Projection.gpuInt8(w, 2e9, t4).value(),
        1e-6);
    assertThrows(IllegalArgumentException.class, () -> Projection.gpuInt8(w, 3e9, t4));
  }
}
