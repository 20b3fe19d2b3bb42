package dev.infercost.cost;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns throughput measured on this host into cost per 1M inferences on catalog hardware: {@code
 * measured} on the entry this host is (named, or {@link #matchHost matched} by CPU family, model
 * and int8 ISA) when every one of its vCPUs was busy, {@code estimated} elsewhere — CPUs by {@link
 * Projection#cpu} (per-core peak, core scaling and SMT gain fitted to the 1-thread measurement and
 * the one with every vCPU busy, or {@link #withScaling calibrated}; int8 variants also by the
 * target's int8 factor over the host's), GPUs by {@link Projection#gpuServed} (roofline at the
 * variant's precision plus launch overhead). A host that matches no entry is {@link #HOST}: it has
 * no price, so its own measurements are not priced. Immutable; plain Java.
 */
public final class Pricer {
  private final Catalog catalog;
  private final List<HardwareEntry> targets;
  private final Optional<HardwareEntry> host;
  private final HostCpu hostCpu;
  private final HostPeak hostPeak;
  private final int threads;
  private final Projection.Scaling scaling;
  private final Spread projectionError;
  private final Optional<HardwareEntry.Sourced> hostInt8Factor;

  /**
   * The CPU model's error where this host's own check is not given ({@link #withProjectionError}):
   * {@link Spread#DEFAULT_CPU_PROJECTION_ERROR}.
   */
  public static final Spread DEFAULT_PROJECTION_ERROR =
      Spread.ratio(
          Spread.DEFAULT_CPU_PROJECTION_ERROR,
          "CPU projection: up to "
              + dev.infercost.base.Fmt.sig(Spread.DEFAULT_CPU_PROJECTION_ERROR * 100, 3)
              + "%, the CPU model's largest error measured on the development machine (default,"
              + " see cost/README.md)");

  /** The name of a measuring host that matches no catalog entry. */
  public static final String HOST = "host";

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
      int threads,
      Projection.Scaling scaling,
      Spread projectionError) {
    this.catalog = catalog;
    this.targets = List.copyOf(targets);
    this.host = host;
    this.hostCpu = hostCpu;
    this.threads = threads;
    this.scaling = scaling;
    this.projectionError = projectionError;
    this.hostPeak = peak(host, hostCpu);
    this.hostInt8Factor = hostInt8Factor(catalog, host, hostCpu);
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
    return new Pricer(
        catalog,
        resolve(catalog, hardware),
        host,
        hostCpu,
        threads,
        null,
        DEFAULT_PROJECTION_ERROR);
  }

  /** The same catalog, host and threads, pricing on other hardware. */
  public Pricer withTargets(List<String> hardware) throws CatalogException {
    return new Pricer(
        catalog, resolve(catalog, hardware), host, hostCpu, threads, scaling, projectionError);
  }

  /**
   * The same pricing, with every CPU projection using {@code calibrated} serial fraction and SMT
   * gain instead of the ones fitted per variant (see {@link ProjectionCheck}).
   */
  public Pricer withScaling(Projection.Scaling calibrated) {
    return new Pricer(catalog, targets, host, hostCpu, threads, calibrated, projectionError);
  }

  /**
   * The same pricing, with CPU projections widened by {@code error} (this host's {@link
   * ProjectionCheck#errorSpread(boolean)}) instead of {@link #DEFAULT_PROJECTION_ERROR}.
   */
  public Pricer withProjectionError(Spread error) {
    return new Pricer(catalog, targets, host, hostCpu, threads, scaling, error);
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

  /** The id this host's measurements go by: its catalog entry's, else {@link #HOST}. */
  public String hostId() {
    return host.map(HardwareEntry::id).orElse(HOST);
  }

  /**
   * The one CPU entry whose {@code cpu.match} fits {@code h} (family and model numbers, model
   * name), whose {@code vcpus} equal its logical CPUs and whose {@code int8Isa} it has (at least);
   * empty when none or several fit (then name the entry, or price the host as {@link #HOST}). This
   * is the only matching rule: this host and measurement files from other machines go through it.
   */
  public static Optional<HardwareEntry> matchHost(Catalog c, HostCpu h) {
    List<HardwareEntry> fits = new ArrayList<>();
    for (HardwareEntry e : c.entries()) {
      HardwareEntry.Match m = e.cpu().match();
      if (e.kind() == HardwareEntry.Kind.CPU
          && m != null
          && e.vcpus() != null
          && e.vcpus() == h.logicalCores()
          && m.matches(h.cpuFamily().orElse(null), h.cpuModel().orElse(null), h.model())
          && hasIsa(h, e.cpu().int8Isa())) {
        fits.add(e);
      }
    }
    return fits.size() == 1 ? Optional.of(fits.get(0)) : Optional.empty();
  }

  /**
   * The GPU and on-premises entries with {@code count} GPUs of the model a driver calls {@code
   * name} ({@code Tesla T4}, {@code NVIDIA A100-SXM4-40GB}): every word of the entry's accelerator
   * name appears among the driver's words (ignoring case, {@code NVIDIA} and {@code Tesla}), the
   * first one (the GPU model) exactly and the others exactly or followed by digits ({@code SXM}
   * matches {@code SXM4}). Every such entry runs the same GPU, so a measurement on one prices them
   * all; empty when none does.
   */
  public static List<HardwareEntry> matchGpus(Catalog c, String name, int count) {
    List<String> driver = gpuWords(name);
    List<HardwareEntry> out = new ArrayList<>();
    for (HardwareEntry e : c.entries()) {
      HardwareEntry.Accelerator a = e.accelerator();
      if (e.kind() == HardwareEntry.Kind.CPU || a == null || a.count() != count) {
        continue;
      }
      List<String> words = gpuWords(a.name());
      boolean fits = !words.isEmpty() && driver.contains(words.get(0));
      for (String w : words.subList(Math.min(1, words.size()), words.size())) {
        fits &= driver.stream().anyMatch(d -> d.equals(w) || d.matches(Pattern.quote(w) + "\\d+"));
      }
      if (fits) {
        out.add(e);
      }
    }
    return out;
  }

  private static List<String> gpuWords(String name) {
    List<String> out = new ArrayList<>();
    for (String w : name.toUpperCase(Locale.ROOT).split("[^A-Z0-9]+")) {
      if (!w.isEmpty() && !w.equals("NVIDIA") && !w.equals("TESLA")) {
        out.add(w);
      }
    }
    return out;
  }

  /** Whether {@code h} has at least {@code required} (the same architecture, not weaker). */
  private static boolean hasIsa(HostCpu h, HardwareEntry.Int8Isa required) {
    if (required == null) {
      return true;
    }
    Optional<HardwareEntry.Int8Isa> own = h.int8Isa();
    return own.isPresent()
        && arm(own.get()) == arm(required)
        && own.get().ordinal() >= required.ordinal();
  }

  private static boolean arm(HardwareEntry.Int8Isa i) {
    return i == HardwareEntry.Int8Isa.ARM_SDOT || i == HardwareEntry.Int8Isa.ARM_I8MM;
  }

  /**
   * This host's int8 factor: its entry's, else the one every catalog CPU entry with the host's int8
   * ISA agrees on (empty when they differ or none has one).
   */
  private static Optional<HardwareEntry.Sourced> hostInt8Factor(
      Catalog c, Optional<HardwareEntry> host, HostCpu cpu) {
    if (host.isPresent()) {
      return Optional.ofNullable(host.get().cpu().int8Factor())
          .map(f -> new HardwareEntry.Sourced(f.value(), host.get().id() + " catalog figure"));
    }
    Optional<HardwareEntry.Int8Isa> isa = cpu.int8Isa();
    if (isa.isEmpty()) {
      return Optional.empty();
    }
    List<HardwareEntry> same =
        c.entries().stream()
            .filter(
                e ->
                    e.kind() == HardwareEntry.Kind.CPU
                        && e.cpu().int8Isa() == isa.get()
                        && e.cpu().int8Factor() != null)
            .toList();
    if (same.isEmpty()
        || same.stream().map(e -> e.cpu().int8Factor().value()).distinct().count() > 1) {
      return Optional.empty();
    }
    return Optional.of(
        new HardwareEntry.Sourced(
            same.get(0).cpu().int8Factor().value(),
            "the figure of the catalog's "
                + isa.get().label()
                + " entries ("
                + String.join(", ", same.stream().map(HardwareEntry::id).toList())
                + ")"));
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
   * @param callSpeedup how much faster one single-thread call runs there than here: the per-core
   *     peak ratio, times the int8 factor ratio for int8 variants (1 when measured; for GPUs equal
   *     to {@code scale})
   * @param spread how uncertain {@code throughput} is (its provenance ends with the same words)
   */
  public record Priced(
      String hardware,
      Figure throughput,
      double costPerMillionUsd,
      double scale,
      double callSpeedup,
      Spread spread) {
    /** The range of the throughput. */
    public Range throughputRange() {
      return spread.of(throughput.value());
    }

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
   * Prices a variant whose measurements' spreads are not known: {@link Spread#runToRun} each; see
   * {@link #price(Deployable, Optional, double, Spread, double, Spread, String)}.
   */
  public Prices price(
      Deployable variant,
      Optional<Projection.GpuGraph> graph,
      double measured,
      double oneThread,
      String operatingPoint) {
    Spread unknown = Spread.runToRun("no confidence interval given");
    return price(variant, graph, measured, unknown, oneThread, unknown, operatingPoint);
  }

  /**
   * Prices one measured variant on every target the variant runs on. Each row's range: the
   * measurement's spread where measured; for CPU projections the spread of the 1-thread measurement
   * they scale, times this pricing's projection error, times the projections at both ends of the
   * serial fraction's range where the fit is used (a fit whose range is wider than {@link
   * Projection#MAX_SERIAL_FRACTION_SPREAD} is not used: linear core scaling instead, said in the
   * provenance); for GPUs {@link Spread#GPU_ROOFLINE}.
   *
   * @param graph the variant's work per batch for GPU rooflines; empty when its FLOPs are unknown
   * @param measured inferences/s on this host at this pricing's threads
   * @param measuredSpread its spread ({@link Spread#latencyCi})
   * @param oneThread inferences/s at 1 thread, to fit the thread scaling of CPU projections; NaN
   *     when not measured (linear scaling is then assumed)
   * @param oneThreadSpread its spread (ignored when NaN)
   * @param operatingPoint how {@code measured} was run with this pricing's threads busy ({@code "2
   *     threads"}, {@code "2 streams x 1 thread"}), for provenance
   */
  public Prices price(
      Deployable variant,
      Optional<Projection.GpuGraph> graph,
      double measured,
      Spread measuredSpread,
      double oneThread,
      Spread oneThreadSpread,
      String operatingPoint) {
    List<Priced> out = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (HardwareEntry t : targets) {
      double hourly = CostModel.hourlyUsd(t);
      try {
        Figure f;
        double call;
        Spread spread;
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
          spread = oneFaster ? oneThreadSpread : measuredSpread;
          f =
              Projection.measured(
                  oneFaster ? oneThread : measured,
                  hostCpu.label()
                      + " = "
                      + t.id()
                      + (oneFaster
                          ? ", at 1 thread (faster than " + operatingPoint + ")"
                          : ", " + operatingPoint));
          call = 1;
        } else if (cpu) {
          Optional<String> refused = int8Refusal(variant, t);
          if (refused.isPresent()) {
            note(notes, refused.get());
            continue;
          }
          // Scaled as at the host's own precision, then by the int8 factors for int8 variants.
          Projected scaled =
              projectCpu(t, measured, measuredSpread, oneThread, oneThreadSpread, operatingPoint);
          Int8Ratio r = int8Ratio(variant, t);
          spread = scaled.spread();
          f =
              Figure.estimated(
                  scaled.figure().value() * r.ratio(),
                  scaled.figure().unit(),
                  scaled.figure().provenance().detail() + r.why());
          call = perCore(t) * r.ratio();
        } else if (graph.isEmpty()) {
          note(notes, t.id() + ": FLOPs unknown (give shapes)");
          continue;
        } else {
          f = Projection.gpuServed(graph.get(), t, variant.gpuPrecision());
          call = f.value() / measured;
          spread = Spread.GPU_ROOFLINE;
        }
        out.add(
            new Priced(
                t.id(),
                new Figure(
                    f.value(),
                    f.unit(),
                    new Figure.Provenance(
                        f.provenance().kind(), f.provenance().detail() + "; " + spread.describe())),
                CostModel.costPerMillion(hourly, f.value()),
                f.value() / measured,
                call,
                spread));
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

  /** A CPU projection and its spread. */
  private record Projected(Figure figure, Spread spread) {}

  private Projected projectCpu(
      HardwareEntry t,
      double measured,
      Spread measuredSpread,
      double oneThread,
      Spread oneThreadSpread,
      String operatingPoint)
      throws CatalogException {
    HostPeak h = hostPeak;
    String name = host.map(HardwareEntry::id).orElse(HOST + " = " + hostCpu.label());
    if (threads > 1) {
      name += " (" + threads + " vCPUs busy as " + operatingPoint + ")";
    }
    Projection.CpuHost cpuHost;
    // The spread of T₁, which every CPU projection scales.
    Spread base = measuredSpread;
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
      base = oneThreadSpread;
    }
    Spread spread = base.times(projectionError);
    if (scaling != null) {
      cpuHost = cpuHost.calibratedBy(scaling);
    } else {
      Range s = cpuHost.serialFractionRange(oneThreadSpread, measuredSpread);
      if (!Projection.stable(s)) {
        cpuHost =
            cpuHost.calibratedBy(
                new Projection.Scaling(
                    0,
                    1,
                    String.format(
                        Locale.ROOT,
                        "serial fraction fitted to %d threads (%.4g) not used: the measurements'"
                            + " spread allows %.4g–%.4g, wider than %.2g; linear core scaling"
                            + " assumed, no SMT gain",
                        threads,
                        cpuHost.serialFraction(),
                        s.low(),
                        s.high(),
                        Projection.MAX_SERIAL_FRACTION_SPREAD)));
      } else if (s.width() > 0) {
        double at = Projection.cpu(cpuHost, t).value();
        double lo = Projection.cpu(fixedAt(cpuHost, s.high()), t).value() / at;
        double hi = Projection.cpu(fixedAt(cpuHost, s.low()), t).value() / at;
        spread =
            spread.times(
                new Spread(
                    Math.min(1, lo),
                    Math.max(1, hi),
                    String.format(
                        Locale.ROOT,
                        "serial fraction %.4g–%.4g from the measurements' spread",
                        s.low(),
                        s.high())));
      }
    }
    Figure f = Projection.cpu(cpuHost, t);
    return new Projected(
        Figure.estimated(
            f.value(),
            f.unit(),
            f.provenance().detail() + "; host peak " + h.perCore().provenance().detail()),
        spread);
  }

  /** {@code host} projected with serial fraction {@code s} and its own SMT gain. */
  private static Projection.CpuHost fixedAt(Projection.CpuHost host, double s) {
    return host.calibratedBy(new Projection.Scaling(s, host.smtGain(), "range end"));
  }

  /**
   * A measurement on this host with {@code busyVcpus} vCPUs busy, next to the same variant's
   * 1-thread throughput, for {@link ProjectionCheck}: this host's cores and SMT threads as its CPU
   * projections count them.
   */
  public Projection.ScalingSample sample(
      String label, boolean streams, double oneThread, int busyVcpus, double measured) {
    return new Projection.ScalingSample(
        label, streams, hostPeak.cores(), hostPeak.vcpusPerCore(), oneThread, busyVcpus, measured);
  }

  /** Whether catalog entry {@code hardware} is a CPU machine. */
  public boolean isCpu(String hardware) {
    return catalog.find(hardware).map(e -> e.kind() == HardwareEntry.Kind.CPU).orElse(false);
  }

  /**
   * The per-core peak ratio of CPU entry {@code t} over this host (1 for this host's own entry or
   * an entry without a per-core peak).
   */
  private double perCore(HardwareEntry t) {
    if (host.map(h -> h.id().equals(t.id())).orElse(false) || t.cpu().fp32GflopsPerCore() == null) {
      return 1;
    }
    return t.cpu().fp32GflopsPerCore() / hostPeak.perCore().value();
  }

  /**
   * Why an int8 variant is not priced on CPU entry {@code t}: its 8-bit weights would saturate
   * there, or the int8 factors to project it are unknown; empty when it is priced.
   */
  private Optional<String> int8Refusal(Deployable variant, HardwareEntry t) {
    if (!variant.cpuInt8()) {
      return Optional.empty();
    }
    if (variant.int8FullRange() && !t.cpu().int8FullRange()) {
      return Optional.of(
          t.id()
              + ": "
              + variant.label()
              + " has full-range (8-bit) int8 weights, which saturate on "
              + isa(t.cpu().int8Isa())
              + " (no 32-bit int8 dot product); build it with 7-bit weights (compress --target "
              + t.id()
              + ") to price it there");
    }
    if (int8Ratio(variant, t) == null) {
      return Optional.of(
          t.id()
              + ": "
              + variant.label()
              + " not projected: int8 factor unknown for "
              + (t.cpu().int8Factor() == null
                  ? t.id() + " (" + isa(t.cpu().int8Isa()) + ")"
                  : "this host ("
                      + hostCpu.int8Isa().map(i -> i.label()).orElse("unknown ISA")
                      + ")")
              + "; set cpu.int8Factor in a catalog file with \"extends\": \"builtin\"");
    }
    return Optional.empty();
  }

  private static String isa(HardwareEntry.Int8Isa i) {
    return i == null ? "an unknown int8 ISA" : i.label();
  }

  /** The factor an int8 projection onto {@code t} is multiplied by, and why, for provenance. */
  private record Int8Ratio(double ratio, String why) {}

  /**
   * Target int8 factor ÷ host int8 factor for int8 variants (1 for the same ISA where both are
   * unknown), 1 for float variants; null when it cannot be told.
   */
  private Int8Ratio int8Ratio(Deployable variant, HardwareEntry t) {
    if (!variant.cpuInt8()) {
      return new Int8Ratio(1, "; fp32 kernels (no int8 factor)");
    }
    HardwareEntry.Sourced target = t.cpu().int8Factor();
    Optional<HardwareEntry.Int8Isa> hostIsa =
        host.isPresent() ? Optional.ofNullable(host.get().cpu().int8Isa()) : hostCpu.int8Isa();
    if (target != null && hostInt8Factor.isPresent()) {
      double ratio = target.value() / hostInt8Factor.get().value();
      return new Int8Ratio(
          ratio,
          String.format(
              Locale.ROOT,
              "; × int8 factor %.3g (%s, %s catalog figure) ÷ %.3g (this host, %s: %s) = %.4g",
              target.value(),
              isa(t.cpu().int8Isa()),
              t.id(),
              hostInt8Factor.get().value(),
              hostIsa.map(HardwareEntry.Int8Isa::label).orElse("unknown ISA"),
              hostInt8Factor.get().source(),
              ratio));
    }
    if (hostIsa.isPresent() && hostIsa.get() == t.cpu().int8Isa()) {
      return new Int8Ratio(
          1, "; int8 factor ratio 1 (same int8 ISA " + hostIsa.get().label() + " as this host)");
    }
    return null;
  }
}
