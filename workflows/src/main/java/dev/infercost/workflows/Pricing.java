package dev.infercost.workflows;

import dev.infercost.base.InfercostException;
import dev.infercost.cost.Catalog;
import dev.infercost.cost.CatalogException;
import dev.infercost.cost.CostModel;
import dev.infercost.cost.Figure;
import dev.infercost.cost.HardwareEntry;
import dev.infercost.cost.Projection;
import dev.infercost.gate.BenchResults.Kind;
import dev.infercost.gate.BenchResults.Metric;
import dev.infercost.gate.Measure;
import dev.infercost.models.ModelInfo;
import dev.infercost.profile.HostInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns throughput measured on this host into cost per 1M inferences on catalog hardware: {@code
 * measured} on the entry this host is (named with {@code measuredOn}, or matched by vendor, vCPUs
 * and vector ISA) when every one of its vCPUs was busy, {@code estimated} elsewhere (CPU: per-core
 * peak, core scaling and SMT gain fitted to the 1-thread measurement and the one with every vCPU
 * busy, as N threads or N single-thread streams, see {@link Projection}; GPU: roofline from the
 * model's FLOPs and bytes at the variant's precision).
 */
public final class Pricing {
  /** Assumed cost of launching one operator on a GPU (CUDA kernel launch and bookkeeping). */
  static final double GPU_LAUNCH_OVERHEAD_US = 5;

  private final Catalog catalog;
  private final List<HardwareEntry> targets;
  private final Optional<HardwareEntry> host;
  private final HostInfo hostInfo;
  private final int threads;
  private final HostCpu hostCpu;
  private final List<String> notes = new ArrayList<>();

  private Pricing(
      Catalog catalog,
      List<HardwareEntry> targets,
      Optional<HardwareEntry> host,
      HostInfo hostInfo,
      int threads,
      HostCpu hostCpu) {
    this.catalog = catalog;
    this.targets = targets;
    this.host = host;
    this.hostInfo = hostInfo;
    this.threads = threads;
    this.hostCpu = hostCpu;
  }

  /**
   * Pricing on {@code hardware} (catalog ids or aliases) from {@code catalogFile} (the built-in
   * catalog when empty); {@code measuredOn} names this host's entry, else it is matched.
   */
  public static Pricing of(
      List<String> hardware,
      Optional<Path> catalogFile,
      Optional<String> measuredOn,
      HostInfo hostInfo,
      int threads)
      throws InfercostException {
    Catalog c = catalogFile.isPresent() ? Catalog.load(catalogFile.get()) : Catalog.builtin();
    List<HardwareEntry> targets = new ArrayList<>();
    for (String h : hardware) {
      targets.add(c.require(h));
    }
    Optional<HardwareEntry> host =
        measuredOn.isPresent() ? Optional.of(c.require(measuredOn.get())) : match(c, hostInfo);
    return new Pricing(c, targets, host, hostInfo, threads, hostCpu(host, hostInfo));
  }

  static Pricing of(List<String> hardware, HostInfo hostInfo, int threads)
      throws InfercostException {
    return of(hardware, Optional.empty(), Optional.empty(), hostInfo, threads);
  }

  public Catalog catalog() {
    return catalog;
  }

  public List<HardwareEntry> targets() {
    return targets;
  }

  /** The catalog entry this host was matched to, if any. */
  public Optional<HardwareEntry> host() {
    return host;
  }

  /** Why some hardware could not be priced, in order. */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  /**
   * The unique CPU entry with this host's vCPU count, CPU vendor and AVX-512 presence, or empty
   * when none or several fit (then name it with {@code --measured-on}).
   */
  static Optional<HardwareEntry> match(Catalog c, HostInfo h) {
    String model = h.cpuModel().toLowerCase(Locale.ROOT);
    String vendor =
        model.contains("amd")
            ? "amd"
            : model.contains("intel") ? "intel" : h.arch().contains("aarch64") ? "arm" : "?";
    boolean avx512 = h.cpuFeatures().stream().anyMatch(f -> f.startsWith("avx512"));
    List<HardwareEntry> fits = new ArrayList<>();
    for (HardwareEntry e : c.entries()) {
      if (e.kind() != HardwareEntry.Kind.CPU
          || e.vcpus() == null
          || e.vcpus() != h.logicalCores()
          || e.cpu().family() == null) {
        continue;
      }
      String fam = e.cpu().family().toLowerCase(Locale.ROOT);
      String simd =
          String.valueOf(e.cpu().simd()).toLowerCase(Locale.ROOT)
              + " "
              + String.valueOf(e.cpu().int8DotIsa()).toLowerCase(Locale.ROOT);
      boolean vendorOk =
          vendor.equals("arm")
              ? fam.contains("graviton") || fam.contains("neoverse") || fam.contains("ampere")
              : fam.contains(vendor);
      boolean entryAvx512 = simd.contains("avx-512") && !simd.contains("no avx-512");
      if (vendorOk && e.cpu().simd() != null && entryAvx512 == avx512) {
        fits.add(e);
      }
    }
    return fits.size() == 1 ? Optional.of(fits.get(0)) : Optional.empty();
  }

  /**
   * This host's CPU for projections: its fp32 peak per core, physical cores and SMT threads per
   * core.
   *
   * @param peakPerCore the catalog entry's figure when this host matched one, else estimated as the
   *     current clock ({@code /proc/cpuinfo}) × FLOP per cycle of its vector unit (2 FMA units of
   *     256 bits with AVX2: 32; 512 bits with AVX-512: 64)
   */
  record HostCpu(Figure peakPerCore, int cores, int vcpusPerCore) {}

  private static HostCpu hostCpu(Optional<HardwareEntry> host, HostInfo hostInfo) {
    if (host.isPresent()
        && host.get().cpu().fp32GflopsPerCore() != null
        && host.get().cores() != null) {
      HardwareEntry h = host.get();
      return new HostCpu(
          Figure.estimated(
              h.cpu().fp32GflopsPerCore(), "GFLOP/s", h.id() + " catalog figure per core"),
          h.cores(),
          h.cpu().vcpusPerCore());
    }
    Map<String, String> cpuinfo = cpuinfo();
    double ghz = number(cpuinfo, "cpu MHz", 2000) / 1000;
    boolean avx512 = hostInfo.cpuFeatures().stream().anyMatch(f -> f.startsWith("avx512"));
    int flopsPerCycle = avx512 ? 64 : hostInfo.cpuFeatures().contains("fma") ? 32 : 16;
    double siblings = number(cpuinfo, "siblings", 1);
    double coresPerSocket = number(cpuinfo, "cpu cores", 1);
    int perCore = (int) Math.max(1, Math.round(siblings / coresPerSocket));
    return new HostCpu(
        Figure.estimated(
            ghz * flopsPerCycle,
            "GFLOP/s",
            String.format(
                Locale.ROOT, "%.3f GHz (/proc/cpuinfo) x %d FLOP/cycle", ghz, flopsPerCycle)),
        Math.max(1, hostInfo.logicalCores() / perCore),
        perCore);
  }

  /** The first value of each key of {@code /proc/cpuinfo} (empty where it cannot be read). */
  private static Map<String, String> cpuinfo() {
    Map<String, String> m = new HashMap<>();
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        int colon = l.indexOf(':');
        if (colon > 0) {
          m.putIfAbsent(l.substring(0, colon).trim(), l.substring(colon + 1).trim());
        }
      }
    } catch (IOException e) {
      // no /proc/cpuinfo: every figure takes its default
    }
    return m;
  }

  private static double number(Map<String, String> cpuinfo, String key, double dflt) {
    try {
      return Double.parseDouble(cpuinfo.getOrDefault(key, ""));
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  /**
   * One priced figure.
   *
   * @param hardware catalog id
   * @param throughput inferences/s on that hardware (measured or projected)
   * @param costPerMillionUsd USD per 1M inferences at full utilization
   * @param provenance where it was measured, or how it was estimated
   * @param scale projected throughput ÷ measured throughput (1 when measured)
   */
  public record Priced(
      String hardware,
      double throughput,
      double costPerMillionUsd,
      String provenance,
      double scale,
      boolean estimated) {}

  /**
   * Prices one variant measured at this pricing's thread count only (linear thread scaling is
   * assumed for CPU projections); see {@link #price(String, ModelInfo, int, double, double,
   * String)}.
   */
  public List<Priced> price(String variant, ModelInfo info, int batch, double measuredThroughput) {
    return price(
        variant,
        info,
        batch,
        measuredThroughput,
        Double.NaN,
        threads == 1 ? "1 thread" : threads + " threads");
  }

  /**
   * Prices one measured variant on every target. On CPUs, {@code fp32}, {@code int8-dynamic} and
   * {@code int8-qdq} are priced from the measurement; {@code fp16} is not (ONNX Runtime's CPU
   * provider computes it in fp32 behind casts). On GPUs, {@code fp32}, {@code fp16} and {@code
   * int8-qdq} are projected at their precision; the dynamic int8 graph uses CPU integer kernels and
   * is not.
   *
   * @param measuredThroughput inferences/s on this host at this pricing's threads
   * @param oneThreadThroughput inferences/s at 1 thread, to fit the thread scaling of CPU
   *     projections; NaN when not measured (linear scaling is then assumed)
   * @param operatingPoint how {@code measuredThroughput} was run with this pricing's threads busy
   *     ({@code "2 threads"}, {@code "2 streams x 1 thread"}), for provenance
   */
  public List<Priced> price(
      String variant,
      ModelInfo info,
      int batch,
      double measuredThroughput,
      double oneThreadThroughput,
      String operatingPoint) {
    List<Priced> out = new ArrayList<>();
    for (HardwareEntry t : targets) {
      double hourly = CostModel.hourlyUsd(t);
      try {
        Figure f;
        boolean cpu = t.kind() == HardwareEntry.Kind.CPU;
        if (cpu && !pricedOnCpus(variant)) {
          note("fp16 is priced on GPUs only: ONNX Runtime's CPU provider runs it in fp32");
          continue;
        } else if (measuredOn(t)) {
          // The instance runs at whichever measured thread count is faster (tiny models can be
          // slower with more threads).
          boolean oneFaster = oneThreadThroughput > measuredThroughput;
          f =
              Projection.measured(
                  oneFaster ? oneThreadThroughput : measuredThroughput,
                  hostName()
                      + " = "
                      + t.id()
                      + (oneFaster
                          ? ", at 1 thread (faster than " + operatingPoint + ")"
                          : ", " + operatingPoint));
        } else if (cpu) {
          f = projectCpu(t, measuredThroughput, oneThreadThroughput, operatingPoint);
        } else if (info.flops() == null) {
          note(t.id() + ": FLOPs unknown (give shapes)");
          continue;
        } else if (variant.equals(CompressRequest.INT8_DYNAMIC)) {
          note(t.id() + ": int8-dynamic is a CPU-kernel graph; not projected onto a GPU");
          continue;
        } else {
          f = gpu(info, info.parameterBytes(), batch, t, precision(variant));
        }
        out.add(
            new Priced(
                t.id(),
                f.value(),
                CostModel.costPerMillion(hourly, f.value()),
                f.provenance().detail(),
                f.value() / measuredThroughput,
                f.estimated()));
      } catch (CatalogException | IllegalArgumentException e) {
        note(t.id() + ": not priced: " + e.getMessage());
      }
    }
    return out;
  }

  /**
   * Whether the host's own entry is priced from the measurement itself: a CPU entry measured with
   * every one of its vCPUs busy. Otherwise (fewer threads, or a GPU entry named with {@code
   * --measured-on}) it is projected like any other entry.
   */
  private boolean measuredOn(HardwareEntry t) {
    return host.isPresent()
        && host.get().id().equals(t.id())
        && t.kind() == HardwareEntry.Kind.CPU
        && t.vcpus() != null
        && t.vcpus() == threads;
  }

  private Figure projectCpu(
      HardwareEntry t, double measured, double oneThread, String operatingPoint)
      throws CatalogException {
    HostCpu h = hostCpu;
    String name = host.map(HardwareEntry::id).orElse(hostName());
    if (threads > 1) {
      name += " (" + threads + " vCPUs busy as " + operatingPoint + ")";
    }
    Projection.CpuHost cpuHost;
    if (threads == 1) {
      cpuHost =
          Projection.CpuHost.oneThread(
              name, h.peakPerCore().value(), h.cores(), h.vcpusPerCore(), measured);
    } else if (Double.isNaN(oneThread)) {
      cpuHost =
          Projection.CpuHost.oneThread(
              name + " (1-thread figure taken as the " + operatingPoint + " one ÷ " + threads + ")",
              h.peakPerCore().value(),
              h.cores(),
              h.vcpusPerCore(),
              measured / threads);
    } else {
      cpuHost =
          new Projection.CpuHost(
              name,
              h.peakPerCore().value(),
              h.cores(),
              h.vcpusPerCore(),
              oneThread,
              threads,
              measured);
    }
    Figure f = Projection.cpu(cpuHost, t);
    return Figure.estimated(
        f.value(),
        f.unit(),
        f.provenance().detail() + "; host peak " + h.peakPerCore().provenance().detail());
  }

  private String hostName() {
    return hostInfo.cpuModel() + " (" + hostInfo.logicalCores() + " logical CPUs)";
  }

  /**
   * Whether {@code variant} is priced on CPUs: all but fp16, which ONNX Runtime's CPU provider
   * computes in fp32 behind casts.
   */
  static boolean pricedOnCpus(String variant) {
    return !variant.equals("fp16");
  }

  /** Whether catalog entry {@code hardware} is a CPU machine. */
  boolean isCpu(String hardware) {
    return catalog.find(hardware).map(e -> e.kind() == HardwareEntry.Kind.CPU).orElse(false);
  }

  /**
   * How much faster one single-thread call runs on CPU entry {@code hardware} than on this host:
   * the ratio of per-core peaks (1 for this host's own entry).
   */
  double perCoreSpeedup(String hardware) {
    HardwareEntry t = catalog.find(hardware).orElseThrow();
    if (host.map(h -> h.id().equals(t.id())).orElse(false) || t.cpu().fp32GflopsPerCore() == null) {
      return 1;
    }
    return t.cpu().fp32GflopsPerCore() / hostCpu.peakPerCore().value();
  }

  /** The GPU precision a variant runs at: fp16, int8 (QDQ) or fp32. */
  static Projection.Precision precision(String variant) {
    return switch (variant) {
      case "fp16" -> Projection.Precision.FP16;
      case CompressRequest.INT8_QDQ -> Projection.Precision.INT8;
      default -> Projection.Precision.FP32;
    };
  }

  /**
   * Roofline throughput on a catalog GPU plus an assumed launch overhead per node: a roofline alone
   * ignores the fixed cost of launching each operator, which dominates small models on a GPU, and
   * would price tiny models as if they ran at datasheet peak. At {@code INT8} the model is taken to
   * be in QDQ form: its {@link ModelInfo#int8Macs()} run at the int8 peak, the rest at fp16.
   */
  static Figure gpu(
      ModelInfo info, double bytes, int batch, HardwareEntry t, Projection.Precision p)
      throws CatalogException {
    var work = new Projection.Work(info.flops(), bytes, batch);
    Figure roof =
        p == Projection.Precision.INT8
            ? Projection.gpuInt8(work, 2.0 * info.int8Macs(), t)
            : Projection.gpu(work, t, p);
    // Int8 engines fold QuantizeLinear/DequantizeLinear into the kernels around them.
    int fused =
        info.ops().getOrDefault("QuantizeLinear", 0)
            + info.ops().getOrDefault("DequantizeLinear", 0);
    int kernels = info.nodes() - fused;
    double batchMs = batch * 1000.0 / roof.value() + kernels * GPU_LAUNCH_OVERHEAD_US / 1000;
    return Figure.estimated(
        batch * 1000.0 / batchMs,
        roof.unit(),
        roof.provenance().detail()
            + String.format(
                Locale.ROOT,
                " + %d nodes x %.0f us launch overhead (assumed, not measured%s)",
                kernels,
                GPU_LAUNCH_OVERHEAD_US,
                fused == 0 ? "" : "; " + fused + " Q/DQ nodes counted as fused"));
  }

  /** The same catalog, host match and threads, pricing on other hardware. */
  public Pricing withTargets(List<String> hardware) throws InfercostException {
    List<HardwareEntry> t = new ArrayList<>();
    for (String h : hardware) {
      t.add(catalog.require(h));
    }
    return new Pricing(catalog, t, host, hostInfo, threads, hostCpu);
  }

  private void note(String n) {
    if (!notes.contains(n)) {
      notes.add(n);
    }
  }

  /** Bench metrics {@code cost.<hardware>}: samples follow the latency samples where scaled. */
  List<Metric> metrics(
      String variant, ModelInfo info, List<Double> samplesMs, int batch, double throughput) {
    List<Metric> out = new ArrayList<>();
    for (Priced p : price(variant, info, batch, throughput)) {
      HardwareEntry t = require0(p.hardware());
      double hourly = CostModel.hourlyUsd(t);
      boolean fromLatency = !p.estimated() || t.kind() == HardwareEntry.Kind.CPU;
      List<Double> samples =
          fromLatency
              ? samplesMs.stream()
                  .map(s -> CostModel.costPerMillion(hourly, batch * 1000.0 / s * p.scale()))
                  .toList()
              : List.of();
      out.add(
          Measure.cost(
              p.hardware(),
              fromLatency ? Kind.TIMING : Kind.DETERMINISTIC,
              p.costPerMillionUsd(),
              samples,
              (p.estimated() ? "estimated: " : "measured on ") + p.provenance()));
    }
    return out;
  }

  private HardwareEntry require0(String id) {
    return catalog.find(id).orElseThrow();
  }
}
