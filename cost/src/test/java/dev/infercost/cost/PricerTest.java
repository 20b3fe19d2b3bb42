package dev.infercost.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.cost.Projection.GpuGraph;
import dev.infercost.cost.Projection.Precision;
import dev.infercost.cost.Projection.Work;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PricerTest {
  private static final Catalog CATALOG = Catalog.builtin();
  private static final Deployable FP32 =
      new Deployable("fp32", Optional.empty(), Optional.empty(), Precision.FP32);
  private static final Deployable CPU_ONLY =
      new Deployable("int8-dynamic", Optional.empty(), Optional.of("CPU kernels"), Precision.FP32);
  private static final Deployable GPU_ONLY =
      new Deployable("fp16", Optional.of("GPU only"), Optional.empty(), Precision.FP16);

  /** A 2-vCPU AMD Zen 3 host with SMT, like the development machine (aws-c6a.large). */
  private static HostCpu milan() {
    return zen3(2, 1);
  }

  /** A 3 GHz AMD Zen 3 host with AVX2 and FMA (96 GFLOP/s per core) and {@code cores} cores. */
  private static HostCpu zen3(int logical, int cores) {
    return HostCpu.of(
        "AMD EPYC 7R13 Processor",
        "amd64",
        logical,
        List.of("avx2", "fma"),
        "processor\t: 0\ncpu family\t: 25\nmodel\t\t: 1\ncpu MHz\t\t: 3000.000\nsiblings\t: "
            + logical
            + "\ncpu cores\t: "
            + cores
            + "\n");
  }

  /** A host from a {@code /proc/cpuinfo} fixture ({@code cpuinfo/README.md}). */
  static HostCpu fixture(String name, int logicalCores) throws Exception {
    String text;
    try (var in = PricerTest.class.getResourceAsStream("cpuinfo/" + name)) {
      text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    String model =
        text.lines()
            .filter(l -> l.startsWith("model name"))
            .map(l -> l.substring(l.indexOf(':') + 1).trim())
            .findFirst()
            .orElseThrow();
    return HostCpu.of(model, "amd64", logicalCores, List.of(), text);
  }

  @Test
  void cpuinfoGivesClockAndSmtThreads() {
    HostCpu h = milan();
    assertEquals(Optional.of(3.0), h.clockGhz());
    assertEquals(2, h.vcpusPerCore());
    assertEquals(1, h.cores());
    // 3 GHz x 2 FMA x 8 lanes x 2 = 96 GFLOP/s per core.
    assertEquals(96, h.estimatedPeakPerCore().value(), 1e-9);
    HostCpu bare = HostCpu.of("x", "amd64", 4, List.of(), "");
    assertEquals(Optional.empty(), bare.clockGhz());
    assertEquals(HostCpu.DEFAULT_GHZ * 16, bare.estimatedPeakPerCore().value(), 1e-9);
    assertEquals(4, bare.cores());
  }

  @Test
  void matchesOnFamilyModelIsaAndVcpus() throws Exception {
    assertEquals("aws-c6a.large", Pricer.matchHost(CATALOG, milan()).orElseThrow().id());
    HostCpu zen3 = fixture("zen3-epyc-7r13-2vcpu.txt", 2);
    assertEquals(Optional.of(25), zen3.cpuFamily());
    assertEquals(Optional.of(1), zen3.cpuModel());
    assertEquals(Optional.of(HardwareEntry.Int8Isa.AVX2), zen3.int8Isa());
    assertEquals("aws-c6a.large", Pricer.matchHost(CATALOG, zen3).orElseThrow().id());
    HostCpu spr = fixture("sapphire-rapids-8488c-2vcpu.txt", 2);
    assertEquals(Optional.of(HardwareEntry.Int8Isa.AMX), spr.int8Isa());
    assertEquals("aws-c7i.large", Pricer.matchHost(CATALOG, spr).orElseThrow().id());
    // 4 vCPUs of an 8488C are c7i.xlarge or m7i.xlarge: not told apart, so not matched.
    assertTrue(Pricer.matchHost(CATALOG, fixture("sapphire-rapids-8488c-2vcpu.txt", 4)).isEmpty());
    HostCpu unknownVendor = HostCpu.of("Some CPU", "amd64", 2, List.of("avx2"), "");
    assertTrue(Pricer.matchHost(CATALOG, unknownVendor).isEmpty());
    HostCpu odd =
        HostCpu.of("AMD EPYC", "amd64", 3, List.of("avx2"), "cpu family\t: 25\nmodel\t: 1\n");
    assertTrue(Pricer.matchHost(CATALOG, odd).isEmpty(), "no 3-vCPU entry");
    HostCpu noAvx2 =
        HostCpu.of("AMD EPYC", "amd64", 2, List.of(), "cpu family\t: 25\nmodel\t: 1\n");
    assertTrue(Pricer.matchHost(CATALOG, noAvx2).isEmpty(), "the entry requires AVX2");
  }

  @Test
  void zen5IsNotZen4AndIsPricedAsItsOwnHost() throws Exception {
    HostCpu zen5 = fixture("zen5-epyc-2vcpu.txt", 2);
    assertEquals(Optional.of(26), zen5.cpuFamily());
    assertEquals(Optional.of(HardwareEntry.Int8Isa.AVX512_VNNI), zen5.int8Isa());
    assertTrue(Pricer.matchHost(CATALOG, zen5).isEmpty(), "family 26 is not aws-c7a (Zen 4)");
    Pricer p =
        Pricer.of(CATALOG, List.of("aws-c7a.large", "aws-c6a.large"), Optional.empty(), zen5, 2);
    assertEquals(Pricer.HOST, p.hostId());
    Pricer.Prices prices = p.price(FP32, Optional.empty(), 100, 60, "2 threads");
    assertTrue(prices.rows().stream().allMatch(Pricer.Priced::estimated), "nothing is measured");
    // c7a's peak is not known, so it is explained rather than borrowed from this host.
    assertTrue(prices.notes().stream().anyMatch(n -> n.startsWith("aws-c7a.large: not priced")));
    assertTrue(
        prices
            .rows()
            .get(0)
            .throughput()
            .provenance()
            .detail()
            .contains("host = AMD EPYC (family 26 model 2, avx512-vnni"));
  }

  @Test
  void int8IsProjectedWithTheTargetsInt8FactorOverTheHosts() throws Exception {
    HostCpu zen5 = fixture("zen5-epyc-2vcpu.txt", 2);
    Pricer p =
        Pricer.of(CATALOG, List.of("aws-c6a.large", "aws-c7i.large"), Optional.empty(), zen5, 1);
    Deployable int8 = CPU_ONLY.int8Weights(false);
    Pricer.Prices f = p.price(FP32, Optional.empty(), 50);
    Pricer.Prices q = p.price(int8, Optional.empty(), 115);
    double avx2 = q.rows().get(0).throughput().value() / f.rows().get(0).throughput().value();
    double vnni = q.rows().get(1).throughput().value() / f.rows().get(1).throughput().value();
    // Measured here at 115/50 = 2.3x; the host (avx512-vnni) factor is 2.29, c6a (avx2) 1.65,
    // c7i 2.29 (the VNNI figure).
    assertEquals(2.3 * 1.65 / 2.29, avx2, 1e-9);
    assertEquals(2.3, vnni, 1e-9);
    assertTrue(avx2 < vnni);
    String why = q.rows().get(0).throughput().provenance().detail();
    assertTrue(why.contains("int8 factor 1.65 (avx2, aws-c6a.large catalog figure) ÷ 2.29"), why);
    assertTrue(why.contains("avx512-vnni"), why);
    assertTrue(
        f.rows()
            .get(0)
            .throughput()
            .provenance()
            .detail()
            .contains("fp32 kernels (no int8 factor)"));
    // A single call speeds up by the same int8 ratio on top of the per-core peak ratio.
    assertEquals(q.rows().get(0).callSpeedup(), f.rows().get(0).callSpeedup() * 1.65 / 2.29, 1e-12);
  }

  @Test
  void fullRangeInt8IsNotPricedWhereItWouldSaturate() throws Exception {
    HostCpu zen5 = fixture("zen5-epyc-2vcpu.txt", 2);
    Pricer p =
        Pricer.of(
            CATALOG,
            List.of("aws-c6a.large", "aws-c7i.large", "aws-c7g.large"),
            Optional.empty(),
            zen5,
            1);
    Pricer.Prices q = p.price(CPU_ONLY.int8Weights(true), Optional.empty(), 100);
    assertEquals(List.of("aws-c7i.large"), q.rows().stream().map(Pricer.Priced::hardware).toList());
    assertTrue(
        q.notes().get(0).startsWith("aws-c6a.large: int8-dynamic has full-range"),
        q.notes().get(0));
    assertTrue(q.notes().get(0).contains("saturate on avx2"));
    assertTrue(q.notes().get(1).contains("int8 factor unknown for aws-c7g.large (arm-i8mm)"));
  }

  /** A 4-core host without SMT (96 GFLOP/s per core), matching no entry. */
  private static HostCpu fourCores() {
    return zen3(4, 4);
  }

  @Test
  void stableSerialFractionIsUsedAndItsRangeWidensTheProjection() throws CatalogException {
    Pricer p = Pricer.of(CATALOG, List.of("aws-c7g.xlarge"), Optional.empty(), fourCores(), 4);
    assertEquals(Pricer.HOST, p.hostId());
    // T1 = 100, T4 = 350: speedup 3.5, s = (4/3.5 - 1)/3. Both measured within ±1%: the speedup
    // lies in 3.5 x [0.99/1.01, 1.01/0.99], s in [0.040, 0.055]: 0.015 wide, below 0.1.
    Spread tight = new Spread(0.99, 1.01, "tight");
    Pricer.Priced r =
        p.price(FP32, Optional.empty(), 350, tight, 100, tight, "4 threads").rows().get(0);
    double s = (4 / 3.5 - 1) / 3;
    double ratio = 83.2 / 96;
    assertEquals(100 * ratio * Projection.speedup(s, 4), r.throughput().value(), 1e-6);
    double sLo = (4 / (3.5 * 1.01 / 0.99) - 1) / 3;
    double sHi = (4 / (3.5 * 0.99 / 1.01) - 1) / 3;
    double e = Spread.DEFAULT_CPU_PROJECTION_ERROR;
    // Range: T1's spread × the default projection error × the projections at both ends of s.
    double low = 0.99 / (1 + e) * Projection.speedup(sHi, 4) / Projection.speedup(s, 4);
    double high = 1.01 * (1 + e) * Projection.speedup(sLo, 4) / Projection.speedup(s, 4);
    assertEquals(low, r.spread().low(), 1e-9);
    assertEquals(high, r.spread().high(), 1e-9);
    assertEquals(r.throughput().value() * low, r.throughputRange().low(), 1e-6);
    String how = r.throughput().provenance().detail();
    assertTrue(how.contains("serial fraction 0.04762 fitted to 4 threads"), how);
    assertTrue(how.contains("0.04008–0.05532 from the measurements' spread"), how);
    assertTrue(how.contains("default"), how);
  }

  @Test
  void serialFractionWiderThanTheLimitIsNotUsed() throws CatalogException {
    Pricer p = Pricer.of(CATALOG, List.of("aws-c7g.xlarge"), Optional.empty(), fourCores(), 4);
    // The same speedup measured within a factor 1.15 either way: s anywhere in [0, 0.170].
    Spread loose = Spread.ratio(0.15, "loose");
    Pricer.Priced r =
        p.price(FP32, Optional.empty(), 350, loose, 100, loose, "4 threads").rows().get(0);
    // Linear core scaling instead: 100 × peak ratio × 4.
    assertEquals(100 * 83.2 / 96 * 4, r.throughput().value(), 1e-6);
    String how = r.throughput().provenance().detail();
    assertTrue(how.contains("not used"), how);
    assertTrue(how.contains("wider than 0.1"), how);
    // Its range: T1's spread and the projection error only.
    double e = Spread.DEFAULT_CPU_PROJECTION_ERROR;
    assertEquals(1 / 1.15 / (1 + e), r.spread().low(), 1e-9);
    assertEquals(1.15 * (1 + e), r.spread().high(), 1e-9);
  }

  @Test
  void measuredAndGpuRowsCarryTheirOwnSpreads() throws CatalogException {
    Pricer p = Pricer.of(CATALOG, List.of("aws-c6a.large", "t4"), Optional.empty(), milan(), 2);
    Spread ci = Spread.latencyCi(10, 9, 11);
    Pricer.Prices r =
        p.price(
            FP32,
            Optional.of(new GpuGraph(new Work(2e9, 1e8, 8), 0, 100, 0)),
            100,
            ci,
            60,
            Spread.runToRun("x"),
            "2 threads");
    Pricer.Priced host = r.rows().get(0);
    assertFalse(host.estimated());
    assertEquals(ci, host.spread());
    assertEquals(100 * 10 / 11.0, host.throughputRange().low(), 1e-9);
    assertTrue(host.throughput().provenance().detail().contains("95% CI of the median"));
    Pricer.Priced gpu = r.rows().get(1);
    assertEquals(Spread.GPU_ROOFLINE, gpu.spread());
    assertTrue(gpu.throughput().provenance().detail().contains("factor 2 either way"));
  }

  @Test
  void hostEntryIsMeasuredOnlyWithEveryVcpuBusy() throws CatalogException {
    Pricer two = Pricer.of(CATALOG, List.of("aws-c6a.large"), Optional.empty(), milan(), 2);
    Pricer.Priced p = two.price(FP32, Optional.empty(), 100).rows().get(0);
    assertFalse(p.estimated());
    assertEquals(100, p.throughput().value(), 0);
    assertEquals(1, p.scale(), 0);
    // USD/h ÷ (inferences/s × 3600) × 1e6
    assertEquals(0.0765 / (100 * 3600.0) * 1e6, p.costPerMillionUsd(), 1e-12);

    Pricer one = Pricer.of(CATALOG, List.of("aws-c6a.large"), Optional.empty(), milan(), 1);
    Pricer.Priced q = one.price(FP32, Optional.empty(), 60).rows().get(0);
    assertTrue(q.estimated(), "one busy vCPU of two is projected");
    assertTrue(q.throughput().provenance().detail().contains("cpu-scaling"));
  }

  @Test
  void fasterOneThreadFigureIsUsedOnTheHostEntry() throws CatalogException {
    Pricer p = Pricer.of(CATALOG, List.of("aws-c6a.large"), Optional.empty(), milan(), 2);
    Pricer.Priced r = p.price(FP32, Optional.empty(), 80, 90, "2 threads").rows().get(0);
    assertEquals(90, r.throughput().value(), 0);
    assertTrue(r.throughput().provenance().detail().contains("at 1 thread"));
  }

  @Test
  void cpuProjectionScalesByPerCorePeakFromTheCatalog() throws CatalogException {
    Pricer p = Pricer.of(CATALOG, List.of("aws-c7i.large"), Optional.empty(), milan(), 1);
    HardwareEntry c7i = CATALOG.require("aws-c7i.large");
    double ratio = c7i.cpu().fp32GflopsPerCore() / 115.2;
    Pricer.Priced r = p.price(FP32, Optional.empty(), 50).rows().get(0);
    // One measured thread on a 1-core SMT host, projected onto a 1-core SMT target: T1 x peak
    // ratio, with no SMT gain measured (linear scaling assumed).
    assertEquals(50 * ratio, r.throughput().value(), 1e-9);
    assertEquals(ratio, r.callSpeedup(), 1e-12);
    Pricer two = Pricer.of(CATALOG, List.of("aws-c6a.large"), Optional.empty(), milan(), 2);
    assertEquals(1, two.price(FP32, Optional.empty(), 50).rows().get(0).callSpeedup(), 0);
  }

  @Test
  void gpuRooflineAddsLaunchOverheadPerUnfusedNode() throws CatalogException {
    HardwareEntry t4 = CATALOG.require("t4");
    Work work = new Work(2e9, 1e8, 8);
    Figure roof = Projection.gpu(work, t4, Precision.FP16);
    Figure served = Projection.gpuServed(new GpuGraph(work, 0, 100, 0), t4, Precision.FP16);
    double batchMs = 8 * 1000.0 / roof.value() + 100 * Projection.GPU_LAUNCH_OVERHEAD_US / 1000;
    assertEquals(8 * 1000.0 / batchMs, served.value(), 1e-9);
    assertTrue(served.provenance().detail().contains("100 nodes x 5 us"));
    Figure fused = Projection.gpuServed(new GpuGraph(work, 0, 100, 40), t4, Precision.FP16);
    assertTrue(fused.value() > served.value(), "fused Q/DQ nodes launch nothing");
    assertTrue(fused.provenance().detail().contains("40 Q/DQ nodes counted as fused"));
  }

  @Test
  void aFloat16GraphRunsAtTheFp16PeakWhateverItsRecipeDeclares() throws CatalogException {
    HardwareEntry t4 = CATALOG.require("t4");
    Work work = new Work(2e11, 1e6, 8); // compute-bound: the peak decides
    Figure half = Projection.gpuServed(new GpuGraph(work, 0, 100, 0, true), t4, Precision.FP32);
    Figure fp16 = Projection.gpuServed(new GpuGraph(work, 0, 100, 0), t4, Precision.FP16);
    Figure fp32 = Projection.gpuServed(new GpuGraph(work, 0, 100, 0), t4, Precision.FP32);
    assertEquals(fp16.value(), half.value(), 1e-9);
    assertTrue(fp32.value() < half.value(), "T4's fp32 peak is far below its fp16 one");
  }

  @Test
  void variantsArePricedOnlyWhereTheyRunWithOneNotePerReason() throws CatalogException {
    Pricer p =
        Pricer.of(CATALOG, List.of("aws-c6a.large", "t4", "l4"), Optional.empty(), milan(), 2);
    Optional<GpuGraph> g = Optional.of(new GpuGraph(new Work(1e9, 1e7, 1), 0, 10, 0));
    Pricer.Prices cpuOnly = p.price(CPU_ONLY, g, 100);
    assertEquals(
        List.of("aws-c6a.large"), cpuOnly.rows().stream().map(Pricer.Priced::hardware).toList());
    assertEquals(2, cpuOnly.notes().size());
    assertTrue(cpuOnly.notes().get(0).endsWith(": CPU kernels"));
    Pricer.Prices gpuOnly = p.price(GPU_ONLY, g, 100);
    assertEquals(2, gpuOnly.rows().size());
    assertEquals(List.of("GPU only"), gpuOnly.notes());
    assertTrue(gpuOnly.rows().stream().allMatch(Pricer.Priced::estimated));
    Pricer.Prices noFlops = p.price(FP32, Optional.empty(), 100);
    assertEquals(1, noFlops.rows().size());
    assertTrue(noFlops.notes().get(0).contains("FLOPs unknown"));
  }

  @Test
  void everyCatalogEntryIsPricedOrExplained() throws CatalogException {
    List<String> all =
        CATALOG.entries().stream().filter(e -> !e.example()).map(HardwareEntry::id).toList();
    assertTrue(
        CATALOG.entries().stream().anyMatch(e -> e.kind() == HardwareEntry.Kind.ONPREM),
        "the built-in catalog has on-premises entries");
    Pricer p = Pricer.of(CATALOG, all, Optional.empty(), milan(), 2);
    Optional<GpuGraph> g = Optional.of(new GpuGraph(new Work(1e9, 1e7, 1), 0, 10, 0));
    for (Deployable d : List.of(FP32, CPU_ONLY, GPU_ONLY)) {
      Pricer.Prices prices = p.price(d, g, 100);
      for (HardwareEntry e : p.targets()) {
        boolean priced = prices.rows().stream().anyMatch(r -> r.hardware().equals(e.id()));
        boolean explained = prices.notes().stream().anyMatch(n -> n.startsWith(e.id() + ":"));
        assertTrue(
            priced || explained || !d.runsOn(e.kind()) && e.kind() == HardwareEntry.Kind.CPU,
            d.label() + " on " + e.id());
      }
    }
  }

  @Test
  void operatingPointPrefersTheFasterOneWithinTheObjective() {
    OperatingPoint single = new OperatingPoint(100, 10, "2 threads");
    OperatingPoint streams = new OperatingPoint(150, 12, "2 streams x 1 thread");
    assertEquals(single, OperatingPoint.best(single, null, 50));
    assertEquals(streams, OperatingPoint.best(single, streams, 50));
    assertEquals(single, OperatingPoint.best(single, streams, 11), "streams miss the objective");
    OperatingPoint slowSingle = new OperatingPoint(200, 60, "2 threads");
    assertEquals(streams, OperatingPoint.best(slowSingle, streams, 50), "only streams meet it");
    assertEquals(slowSingle, OperatingPoint.best(slowSingle, new OperatingPoint(50, 70, "s"), 50));
  }

  private static List<String> gpus(String driverName, int count) {
    return Pricer.matchGpus(CATALOG, driverName, count).stream().map(HardwareEntry::id).toList();
  }

  @Test
  void aDriversGpuNameMatchesEveryEntryWithThatManyOfThatGpu() {
    assertEquals(List.of("aws-g4dn.xlarge", "azure-nc4as_t4_v3"), gpus("Tesla T4", 1));
    assertEquals(List.of("aws-g6.xlarge", "gcp-g2-standard-4"), gpus("NVIDIA L4", 1));
    // The model word matches exactly: an L40S is not an L4.
    assertEquals(List.of(), gpus("NVIDIA L40S", 1));
    // Further words exactly or followed by digits: SXM matches the driver's SXM4.
    assertEquals(List.of("aws-p4d.24xlarge"), gpus("NVIDIA A100-SXM4-40GB", 8));
    assertEquals(List.of("gcp-a2-highgpu-1g"), gpus("NVIDIA A100-SXM4-40GB", 1));
    assertEquals(List.of("azure-nc24ads_a100_v4"), gpus("NVIDIA A100 80GB PCIe", 1));
    assertEquals(List.of("azure-nc40ads_h100_v5"), gpus("NVIDIA H100 NVL", 1));
    // The count must match: one T4 measured says nothing of four.
    assertEquals(List.of(), gpus("Tesla T4", 4));
  }
}
