package dev.infercost.cost;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns throughput measured on this host into cost per 1M inferences on catalog hardware: {@code
 * measured} on the entry this host is (named, or matched by vendor, vCPUs and vector ISA) when
 * every one of its vCPUs was busy, {@code estimated} elsewhere — CPUs by {@link Projection#cpu}
 * (per-core peak, core scaling and SMT gain fitted to the 1-thread measurement and the one with
 * every vCPU busy), GPUs by {@link Projection#gpuServed} (roofline at the variant's precision plus
 * launch overhead). Immutable; plain Java.
 */
public final class Pricer {
  private final Catalog catalog;
  private final List<HardwareEntry> targets;
  private final Optional<HardwareEntry> host;
  private final HostCpu hostCpu;
  private final HostPeak hostPeak;
  private final int threads;

  /**
   * This host's CPU for projections.
   *
   * @param perCore fp32 peak per core: the matched catalog entry's figure, else {@link
   *     HostCpu#estimatedPeakPerCore()}
   * @param cores physical cores
   * @param vcpusPerCore SMT threads per core
   */
  private record HostPeak(Figure perCore, int cores, int vcpusPerCore) {}

  private Pricer(
      Catalog catalog,
      List<HardwareEntry> targets,
      Optional<HardwareEntry> host,
      HostCpu hostCpu,
      int threads) {
    this.catalog = catalog;
    this.targets = List.copyOf(targets);
    this.host = host;
    this.hostCpu = hostCpu;
    this.threads = threads;
    this.hostPeak = peak(host, hostCpu);
  }

  /**
   * Pricing on {@code hardware} (catalog ids or aliases) of {@code catalog} for measurements taken
   * on {@code hostCpu} with {@code threads} vCPUs busy; {@code measuredOn} names this host's entry,
   * else it is {@link #matchHost matched}.
   *
   * @throws CatalogException when an id is not in the catalog
   */
  public static Pricer of(
      Catalog catalog,
      List<String> hardware,
      Optional<String> measuredOn,
      HostCpu hostCpu,
      int threads)
      throws CatalogException {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    Optional<HardwareEntry> host =
        measuredOn.isPresent()
            ? Optional.of(catalog.require(measuredOn.get()))
            : matchHost(catalog, hostCpu);
    return new Pricer(catalog, resolve(catalog, hardware), host, hostCpu, threads);
  }

  /** The same catalog, host and threads, pricing on other hardware. */
  public Pricer withTargets(List<String> hardware) throws CatalogException {
    return new Pricer(catalog, resolve(catalog, hardware), host, hostCpu, threads);
  }

  private static List<HardwareEntry> resolve(Catalog c, List<String> hardware)
      throws CatalogException {
    List<HardwareEntry> t = new ArrayList<>();
    for (String h : hardware) {
      t.add(c.require(h));
    }
    return t;
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

  /**
   * The unique CPU entry with this host's vCPU count, CPU vendor and AVX-512 presence, or empty
   * when none or several fit (then name it explicitly).
   */
  public static Optional<HardwareEntry> matchHost(Catalog c, HostCpu h) {
    String vendor = h.vendor();
    boolean avx512 = h.avx512();
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

  private static HostPeak peak(Optional<HardwareEntry> host, HostCpu cpu) {
    if (host.isPresent()
        && host.get().cpu().fp32GflopsPerCore() != null
        && host.get().cores() != null) {
      HardwareEntry h = host.get();
      return new HostPeak(
          Figure.estimated(
              h.cpu().fp32GflopsPerCore(), "GFLOP/s", h.id() + " catalog figure per core"),
          h.cores(),
          h.cpu().vcpusPerCore());
    }
    return new HostPeak(cpu.estimatedPeakPerCore(), cpu.cores(), cpu.vcpusPerCore());
  }

  /**
   * One priced figure.
   *
   * @param hardware catalog id
   * @param throughput inferences/s on that hardware, measured or estimated, with its provenance
   * @param costPerMillionUsd USD per 1M inferences at full utilization
   * @param scale projected throughput ÷ measured throughput (1 when measured)
   */
  public record Priced(String hardware, Figure throughput, double costPerMillionUsd, double scale) {
    /** Whether the throughput was projected rather than measured. */
    public boolean estimated() {
      return throughput.estimated();
    }
  }

  /**
   * What {@link #price} found.
   *
   * @param rows one per target that could be priced, in target order
   * @param notes why the others were not, one line each, without duplicates
   */
  public record Prices(List<Priced> rows, List<String> notes) {
    public Prices {
      rows = List.copyOf(rows);
      notes = List.copyOf(notes);
    }
  }

  /**
   * Prices a variant measured at this pricing's thread count only (linear thread scaling is assumed
   * for CPU projections); see {@link #price(Deployable, Optional, double, double, String)}.
   */
  public Prices price(Deployable variant, Optional<Projection.GpuGraph> graph, double measured) {
    return price(
        variant, graph, measured, Double.NaN, threads == 1 ? "1 thread" : threads + " threads");
  }

  /**
   * Prices one measured variant on every target the variant runs on.
   *
   * @param graph the variant's work per batch for GPU rooflines; empty when its FLOPs are unknown
   * @param measured inferences/s on this host at this pricing's threads
   * @param oneThread inferences/s at 1 thread, to fit the thread scaling of CPU projections; NaN
   *     when not measured (linear scaling is then assumed)
   * @param operatingPoint how {@code measured} was run with this pricing's threads busy ({@code "2
   *     threads"}, {@code "2 streams x 1 thread"}), for provenance
   */
  public Prices price(
      Deployable variant,
      Optional<Projection.GpuGraph> graph,
      double measured,
      double oneThread,
      String operatingPoint) {
    List<Priced> out = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (HardwareEntry t : targets) {
      double hourly = CostModel.hourlyUsd(t);
      try {
        Figure f;
        boolean cpu = t.kind() == HardwareEntry.Kind.CPU;
        if (!variant.runsOn(t.kind())) {
          note(
              notes,
              cpu
                  ? variant.notOnCpu().orElseThrow()
                  : t.id() + ": " + variant.notOnGpu().orElseThrow());
          continue;
        } else if (measuredOn(t)) {
          // The instance runs at whichever measured thread count is faster (tiny models can be
          // slower with more threads).
          boolean oneFaster = oneThread > measured;
          f =
              Projection.measured(
                  oneFaster ? oneThread : measured,
                  hostCpu.label()
                      + " = "
                      + t.id()
                      + (oneFaster
                          ? ", at 1 thread (faster than " + operatingPoint + ")"
                          : ", " + operatingPoint));
        } else if (cpu) {
          f = projectCpu(t, measured, oneThread, operatingPoint);
        } else if (graph.isEmpty()) {
          note(notes, t.id() + ": FLOPs unknown (give shapes)");
          continue;
        } else {
          f = Projection.gpuServed(graph.get(), t, variant.gpuPrecision());
        }
        out.add(
            new Priced(
                t.id(), f, CostModel.costPerMillion(hourly, f.value()), f.value() / measured));
      } catch (CatalogException | IllegalArgumentException e) {
        note(notes, t.id() + ": not priced: " + e.getMessage());
      }
    }
    return new Prices(out, notes);
  }

  private static void note(List<String> notes, String n) {
    if (!notes.contains(n)) {
      notes.add(n);
    }
  }

  /**
   * Whether the host's own entry is priced from the measurement itself: a CPU entry measured with
   * every one of its vCPUs busy. Otherwise (fewer threads, or a GPU entry named as this host) it is
   * projected like any other entry.
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
    HostPeak h = hostPeak;
    String name = host.map(HardwareEntry::id).orElse(hostCpu.label());
    if (threads > 1) {
      name += " (" + threads + " vCPUs busy as " + operatingPoint + ")";
    }
    Projection.CpuHost cpuHost;
    if (threads == 1) {
      cpuHost =
          Projection.CpuHost.oneThread(
              name, h.perCore().value(), h.cores(), h.vcpusPerCore(), measured);
    } else if (Double.isNaN(oneThread)) {
      cpuHost =
          Projection.CpuHost.oneThread(
              name + " (1-thread figure taken as the " + operatingPoint + " one ÷ " + threads + ")",
              h.perCore().value(),
              h.cores(),
              h.vcpusPerCore(),
              measured / threads);
    } else {
      cpuHost =
          new Projection.CpuHost(
              name, h.perCore().value(), h.cores(), h.vcpusPerCore(), oneThread, threads, measured);
    }
    Figure f = Projection.cpu(cpuHost, t);
    return Figure.estimated(
        f.value(),
        f.unit(),
        f.provenance().detail() + "; host peak " + h.perCore().provenance().detail());
  }

  /** Whether catalog entry {@code hardware} is a CPU machine. */
  public boolean isCpu(String hardware) {
    return catalog.find(hardware).map(e -> e.kind() == HardwareEntry.Kind.CPU).orElse(false);
  }

  /**
   * How much faster one single-thread call runs on CPU entry {@code hardware} than on this host:
   * the ratio of per-core peaks (1 for this host's own entry or an entry without a per-core peak).
   */
  public double perCoreSpeedup(String hardware) {
    HardwareEntry t = catalog.find(hardware).orElseThrow();
    if (host.map(h -> h.id().equals(t.id())).orElse(false) || t.cpu().fp32GflopsPerCore() == null) {
      return 1;
    }
    return t.cpu().fp32GflopsPerCore() / hostPeak.perCore().value();
  }
}
