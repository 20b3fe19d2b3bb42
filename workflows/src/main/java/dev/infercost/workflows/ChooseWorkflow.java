package dev.infercost.workflows;

import dev.infercost.base.Fmt;
import dev.infercost.base.Hashes;
import dev.infercost.base.InfercostException;
import dev.infercost.base.OutputGuard;
import dev.infercost.base.Parameter;
import dev.infercost.cost.Deployable;
import dev.infercost.cost.HardwareEntry;
import dev.infercost.cost.OperatingPoint;
import dev.infercost.cost.Optimizer;
import dev.infercost.cost.Pricer;
import dev.infercost.cost.Projection;
import dev.infercost.cost.ProjectionCheck;
import dev.infercost.cost.Sensitivity;
import dev.infercost.cost.Spread;
import dev.infercost.models.ModelInfo;
import dev.infercost.models.Models;
import dev.infercost.models.Tensor;
import dev.infercost.profile.Concurrency;
import dev.infercost.profile.HostInfo;
import dev.infercost.profile.LatencyStats;
import dev.infercost.profile.ProfileOptions;
import dev.infercost.profile.SideBySide;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code choose}: build every requested variant once ({@link Variants}, evaluated on the same
 * held-out data), measure each at every batch size on this host (interleaved), price every
 * (variant, hardware, batch) with {@link Pricer} — measured on this host's catalog entry, projected
 * elsewhere — and rank them with {@link Optimizer}.
 */
public final class ChooseWorkflow {
  /** How long the concurrent streams of one variant run (at least). */
  private static final long STREAM_MILLIS = 1000;

  /** Calibration batches for the static int8 variant, as {@code compress} takes by default. */
  private static final int CALIBRATION_SAMPLES = 100;

  private ChooseWorkflow() {}

  public static ChooseReport run(ChooseRequest req, Consumer<String> progress)
      throws InfercostException {
    HostInfo hostInfo = HostInfo.current();
    Pricer pricer =
        Pricer.of(
            PricingInputs.catalog(req.catalog()),
            List.of(),
            req.measuredOn(),
            PricingInputs.hostCpu(hostInfo),
            req.threads());
    List<String> hardware = req.hardware();
    if (hardware.isEmpty()) {
      hardware =
          pricer.catalog().entries().stream()
              .filter(e -> !e.example())
              .map(HardwareEntry::id)
              .toList();
    }
    Pricer targets = pricer.withTargets(hardware);
    Set<String> notes = new LinkedHashSet<>();
    if (targets.host().isEmpty()) {
      notes.add(
          Pricer.HOST
              + ": this machine, "
              + PricingInputs.hostCpu(hostInfo).label()
              + ", matches no catalog entry, so it is priced as its own entry '"
              + Pricer.HOST
              + "', which has no price: its own measurements are not ranked, only projected"
              + " (to price it, add an entry with a cpu.match for it in a catalog file, see"
              + " cost/README.md, or name one with --measured-on)");
    }
    List<ChooseVariants.Plan> plans =
        ChooseVariants.plan(req, ChooseVariants.families(targets.targets(), notes));
    List<String> written = new ArrayList<>(List.of(Reports.JSON_FILE, Reports.MARKDOWN_FILE));
    plans.forEach(p -> written.add(p.label()));
    OutputGuard.of()
        .input("the model", req.model().file())
        .input("the evaluation data", req.data().orElse(null))
        .input("the preprocessing spec", req.model().preprocessing().orElse(null))
        .input("the hardware catalog", req.catalog().orElse(null))
        .folder("the output folder", req.outDir().orElse(null), written)
        .check();
    // Measurement files are read (and refused) before anything is built.
    Measurements remote = Measurements.read(req.measurements(), targets.catalog());
    Reports.FolderRun<ChooseReport> run =
        dir -> run(req, targets, hostInfo, notes, plans, remote, dir, progress);
    if (req.outDir().isPresent()) {
      return Reports.inOutputSet(req.outDir().get(), written, run);
    }
    // Without --out the variants go to the cache; a second run of the same model takes a folder
    // of its own instead of being refused.
    return Reports.inCacheSet(
        Models.cacheDir().resolve("choose").resolve(req.model().file().getFileName().toString()),
        written,
        run);
  }

  /**
   * When no compressed variant meets the bound and the input model misses it too against itself
   * with its float inputs moved ({@link Stability}), a note that the bound is tighter than the
   * model's own stability.
   */
  private static Optional<String> missedByTheModelItself(
      ChooseRequest req,
      DataPlan plan,
      List<ChooseVariants.Variant> built,
      Map<String, ChooseReport.Variant> variants,
      Consumer<String> progress)
      throws InfercostException {
    Bound b = req.bound();
    boolean compressed = false;
    for (ChooseVariants.Variant v : built) {
      if (v.built().method() != Method.FP32) {
        compressed = true;
        if (variants.get(v.label()).accuracyDrop() <= b.maxLoss()) {
          return Optional.empty();
        }
      }
    }
    if (!compressed) {
      return Optional.empty();
    }
    return Stability.of(
            req.model().path(),
            plan.evaluation().orElseThrow(),
            b,
            req.metrics(),
            req.threads(),
            progress)
        .filter(s -> s.verdict() == Stability.Verdict.MISSES)
        .map(
            s ->
                "no compressed variant meets "
                    + b.kind()
                    + " "
                    + Fmt.sig(b.value())
                    + ", and "
                    + s.tighter(b));
  }

  private static ChooseReport run(
      ChooseRequest req,
      Pricer pricer,
      HostInfo hostInfo,
      Set<String> notes,
      List<ChooseVariants.Plan> plans,
      Measurements remote,
      Path work,
      Consumer<String> progress)
      throws InfercostException {
    ModelRef model = req.model();

    // Every variant is evaluated on the held-out part of one plan, so no int8 variant is scored on
    // its own calibration batches.
    DataPlan plan = DataPlan.of(model, req.data(), Optional.empty(), CALIBRATION_SAMPLES);
    if (plan.evaluation().isEmpty()) {
      throw new InfercostException(
          model.name() + ": choose needs evaluation data to check the accuracy bound",
          Parameter.EVAL_DATA);
    }
    ChooseVariants.Built found =
        ChooseVariants.build(
            plans,
            req,
            plan,
            Variants.of(model, plan, req.metrics(), req.threads(), progress),
            pricer.catalog(),
            work,
            progress);
    Map<String, ChooseVariants.Variant> built = new LinkedHashMap<>();
    Map<String, ChooseReport.Variant> variants = new LinkedHashMap<>();
    for (ChooseVariants.Variant v : found.variants()) {
      BuiltVariant b = v.built();
      built.put(v.label(), v);
      var f = b.fidelity().orElseThrow();
      variants.put(
          v.label(),
          new ChooseReport.Variant(
              b.file().toString(),
              Hashes.sha256(b.file()),
              b.bytes(),
              f,
              req.bound().loss(f),
              v.recipe(),
              v.hardware()));
    }

    missedByTheModelItself(req, plan, found.variants(), variants, progress).ifPresent(notes::add);

    Map<String, String> sha256 = new LinkedHashMap<>();
    Map<String, Double> drops = new LinkedHashMap<>();
    variants.forEach(
        (label, v) -> {
          sha256.put(label, v.sha256());
          drops.put(label, v.accuracyDrop());
        });
    // A file that measured no variant built here is refused before anything is measured.
    remote.variants(sha256);
    List<Measured> measured = new ArrayList<>();
    for (int batch : req.batches()) {
      measured.addAll(measure(req, pricer, built, batch, progress));
    }
    Optional<ProjectionCheck> check =
        ProjectionCheck.of(samples(req, pricer, measured), req.calibrateProjection());
    if (req.calibrateProjection() && check.isEmpty()) {
      notes.add(
          "--calibrate-projection: nothing to calibrate on (no variant was measured both at 1"
              + " thread and with several vCPUs busy; use --threads 2 or more)");
    }
    check.ifPresent(c -> notes.addAll(PricingInputs.unstableCalibrations(c)));
    boolean halfInput =
        measured.stream()
            .anyMatch(
                m ->
                    m.variant().built().method() == Method.FP32
                        && m.graph().map(Projection.GpuGraph::halfWeights).orElse(false));
    if (halfInput) {
      notes.add(PricingInputs.HALF_INPUT);
    }
    List<Optimizer.Row> rows = new ArrayList<>();
    for (Measured m : measured) {
      rows.addAll(
          price(
              pricer,
              m,
              variants.get(m.variant().label()),
              req.p99Ms(),
              check,
              req.calibrateProjection(),
              notes));
    }
    rows =
        remote.apply(
            rows,
            sha256,
            drops,
            pricer.targets().stream().map(HardwareEntry::id).toList(),
            req.batches(),
            notes);
    Optimizer.Request request =
        new Optimizer.Request(req.bound().maxLoss(), req.p99Ms(), req.qps().orElse(null));
    Optimizer.Result result = Optimizer.choose(rows, pricer.catalog(), request);
    Sensitivity.Report sensitivity =
        result.winner().isPresent() ? Sensitivity.analyze(rows, pricer.catalog(), request) : null;
    ChooseReport report =
        new ChooseReport(
            1,
            "choose",
            model.name(),
            ChooseReport.BoundInfo.of(req.bound()),
            pricer.host().map(HardwareEntry::id).orElse(null),
            variants,
            rows,
            result,
            sensitivity,
            notes(built.values(), notes),
            found.searches(),
            hostInfo,
            check.orElse(null),
            hostInfo.fingerprint(req.threads()));
    if (req.outDir().isPresent()) {
      Reports.writeReport(work, report, ChooseMarkdown.render(report));
    }
    return report;
  }

  /**
   * One variant measured at one batch size on this host.
   *
   * @param variant the built variant, with the hardware it is priced on
   * @param batch the batch size
   * @param single one stream with the request's threads
   * @param streams as many single-thread streams as threads, or null where not measured
   * @param oneThread at 1 thread, or null where not measured
   * @param graph its work per batch for GPU rooflines, where known
   */
  private record Measured(
      ChooseVariants.Variant variant,
      int batch,
      OperatingPoint single,
      OperatingPoint streams,
      OperatingPoint oneThread,
      Optional<Projection.GpuGraph> graph) {}

  /**
   * One batch size: every variant measured here (interleaved), at 1 thread and as concurrent
   * single-thread streams where CPUs are priced or the projection is calibrated.
   */
  private static List<Measured> measure(
      ChooseRequest req,
      Pricer pricer,
      Map<String, ChooseVariants.Variant> built,
      int batch,
      Consumer<String> progress)
      throws InfercostException {
    List<Measured> out = new ArrayList<>();
    List<Tensor> inputs = inputsAt(req, batch);
    List<SideBySide.Result> lat =
        SideBySide.measure(paths(built.values()), inputs, sampling(req.threads()), 4, progress);
    Map<String, OperatingPoint> oneThread = oneThread(req, pricer, built, inputs, batch, progress);
    Map<String, OperatingPoint> streams = streams(req, pricer, built, inputs, batch, progress);
    int i = 0;
    for (ChooseVariants.Variant v : built.values()) {
      String label = v.label();
      SideBySide.Result r = lat.get(i++);
      OperatingPoint single =
          new OperatingPoint(
              batch * 1000.0 / r.stats().mean(),
              r.stats().p99(),
              req.threads() == 1 ? "1 thread" : req.threads() + " threads",
              PricingInputs.spread(r.stats()));
      ModelInfo atBatch = Models.loadOnnx(v.built().file()).info(shapesOf(inputs));
      out.add(
          new Measured(
              v,
              batch,
              single,
              streams.get(label),
              oneThread.get(label),
              PricingInputs.gpuGraph(atBatch, batch)));
    }
    return out;
  }

  /**
   * The measurements with several vCPUs busy of variants also measured at 1 thread: what the CPU
   * model is checked (and calibrated) against.
   */
  private static List<Projection.ScalingSample> samples(
      ChooseRequest req, Pricer pricer, List<Measured> measured) {
    List<Projection.ScalingSample> out = new ArrayList<>();
    if (req.threads() < 2) {
      return out;
    }
    for (Measured m : measured) {
      if (m.oneThread() == null) {
        continue;
      }
      String what = m.variant().label() + " batch " + m.batch() + ", ";
      for (OperatingPoint p : java.util.Arrays.asList(m.single(), m.streams())) {
        if (p != null) {
          out.add(
              pricer.sample(
                  what + p.how(),
                  p == m.streams(),
                  m.oneThread().throughput(),
                  req.threads(),
                  p.throughput()));
        }
      }
    }
    return out;
  }

  /**
   * One measured variant priced on every target: CPUs at the chosen way of keeping the host busy
   * (with the CPU scaling calibrated for that way where {@code calibrate} and the calibration is
   * stable, and widened by the check's errors for that way), GPUs from one stream. Pricing notes
   * are added to {@code notes}.
   */
  private static List<Optimizer.Row> price(
      Pricer pricer,
      Measured m,
      ChooseReport.Variant variant,
      double p99Ms,
      Optional<ProjectionCheck> check,
      boolean calibrate,
      Set<String> notes)
      throws InfercostException {
    List<Optimizer.Row> rows = new ArrayList<>();
    String label = m.variant().label();
    Deployable d = m.variant().built().recipe().deployable();
    // Each variant is priced only on the hardware it was built for.
    pricer = pricer.withTargets(m.variant().hardware());
    OperatingPoint single = m.single();
    OperatingPoint point = OperatingPoint.best(single, m.streams(), p99Ms);
    double drop = variant.accuracyDrop();
    boolean streams = point != single;
    Optional<Projection.Scaling> scaling =
        check.filter(c -> calibrate).flatMap(c -> c.usable(streams));
    if (scaling.isPresent()) {
      pricer = pricer.withScaling(scaling.get());
    }
    if (check.isPresent()) {
      pricer = pricer.withProjectionError(check.get().errorSpread(streams));
    }
    OperatingPoint one = m.oneThread();
    double t1 = one == null ? Double.NaN : one.throughput();
    Spread s1 = one == null ? point.spread() : one.spread();
    Pricer.Prices cpuSide =
        pricer.price(d, m.graph(), point.throughput(), point.spread(), t1, s1, point.how());
    Pricer.Prices gpuSide =
        point == single
            ? cpuSide
            : pricer.price(
                d, m.graph(), single.throughput(), single.spread(), t1, s1, single.how());
    notes.addAll(cpuSide.notes());
    notes.addAll(gpuSide.notes());
    for (Pricer.Priced p : cpuSide.rows()) {
      if (pricer.isCpu(p.hardware())) {
        // With single-thread streams a call's latency follows the speed of one core, not the
        // instance's throughput.
        double p99 = point == single ? point.p99Ms() / p.scale() : point.p99Ms() / p.callSpeedup();
        rows.add(row(label, drop, p, m.batch(), p99));
      }
    }
    for (Pricer.Priced p : gpuSide.rows()) {
      if (!pricer.isCpu(p.hardware())) {
        rows.add(row(label, drop, p, m.batch(), single.p99Ms() / p.scale()));
      }
    }
    return rows;
  }

  private static List<String> notes(
      java.util.Collection<ChooseVariants.Variant> built, Set<String> pricingNotes) {
    List<String> notes = new ArrayList<>(pricingNotes);
    Set<Method> methods = new java.util.HashSet<>();
    built.forEach(v -> methods.add(v.built().method()));
    if (methods.contains(Method.FP16)) {
      notes.add(
          "fp16 fidelity is measured with ONNX Runtime's CPU provider, which computes"
              + " MatMul/Gemm/Conv of an fp16 graph in fp32 behind casts: an upper bound for"
              + " fp16 arithmetic on a GPU");
    }
    if (methods.contains(Method.INT8_QDQ)) {
      notes.add(
          "int8-qdq fidelity is measured with ONNX Runtime's CPU provider running the QDQ graph;"
              + " a GPU int8 engine computes the same quantized products (int32 accumulation), up"
              + " to float rounding");
    }
    return notes;
  }

  private static ProfileOptions sampling(int threads) {
    return ProfileOptions.builder()
        .optThreads(threads)
        .optWarmup(5, 200)
        .optSampling(5, 1000, 60_000)
        .build();
  }

  private static List<String> paths(java.util.Collection<ChooseVariants.Variant> variants) {
    return variants.stream().map(v -> v.built().file().toString()).toList();
  }

  private static Optimizer.Row row(
      String variant, double accuracyDrop, Pricer.Priced p, int batch, double p99Ms) {
    return new Optimizer.Row(
        variant,
        accuracyDrop,
        p.hardware(),
        batch,
        p99Ms,
        p.throughput().value(),
        p.throughputRange(),
        p.throughput().provenance());
  }

  /**
   * Throughput of as many single-thread streams as threads, for the variants that run on CPUs: for
   * small models that beats one stream with every thread. Empty at 1 thread or when no CPU is
   * priced.
   */
  private static Map<String, OperatingPoint> streams(
      ChooseRequest req,
      Pricer pricer,
      Map<String, ChooseVariants.Variant> built,
      List<Tensor> inputs,
      int batch,
      Consumer<String> progress)
      throws InfercostException {
    Map<String, OperatingPoint> out = new LinkedHashMap<>();
    boolean cpus = pricer.targets().stream().anyMatch(t -> t.kind() == HardwareEntry.Kind.CPU);
    if (req.threads() == 1 || !cpus && !req.calibrateProjection()) {
      return out;
    }
    long free =
        ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getFreeMemorySize();
    for (ChooseVariants.Variant v : built.values()) {
      BuiltVariant b = v.built();
      if (!pricedOnCpus(pricer, v)) {
        continue;
      }
      // Each stream's session holds its own copy of the weights: keep them within half of the
      // free memory, else price the single stream only.
      if (b.method().runsOnCpus() && req.threads() * 2 * b.bytes() <= free) {
        progress.accept(
            "measuring " + req.threads() + " concurrent single-thread streams of " + v.label());
        Concurrency.Result c =
            Concurrency.measure(
                b.file().toString(), inputs, sampling(1), req.threads(), STREAM_MILLIS);
        out.put(
            v.label(),
            new OperatingPoint(
                c.throughputPerS() * batch,
                c.stats().p99(),
                c.streams() + " streams x 1 thread",
                PricingInputs.spread(c.stats())));
      }
    }
    return out;
  }

  /**
   * Throughput at 1 thread of the variants that run on CPUs, to fit the thread scaling of CPU
   * projections and check them; empty when the priced measurement already ran at 1 thread, or no
   * CPU entry besides this host's is priced and the projection is not calibrated.
   */
  private static Map<String, OperatingPoint> oneThread(
      ChooseRequest req,
      Pricer pricer,
      Map<String, ChooseVariants.Variant> built,
      List<Tensor> inputs,
      int batch,
      Consumer<String> progress)
      throws InfercostException {
    boolean projectsCpus =
        pricer.targets().stream()
            .anyMatch(
                t ->
                    t.kind() == HardwareEntry.Kind.CPU
                        && !pricer.host().map(h -> h.id().equals(t.id())).orElse(false));
    Map<String, OperatingPoint> out = new LinkedHashMap<>();
    if (req.threads() == 1 || !projectsCpus && !req.calibrateProjection()) {
      return out;
    }
    List<ChooseVariants.Variant> cpu =
        built.values().stream().filter(v -> pricedOnCpus(pricer, v)).toList();
    List<SideBySide.Result> r = SideBySide.measure(paths(cpu), inputs, sampling(1), 2, progress);
    for (int i = 0; i < cpu.size(); i++) {
      LatencyStats st = r.get(i).stats();
      out.put(
          cpu.get(i).label(),
          new OperatingPoint(
              batch * 1000.0 / st.mean(), st.p99(), "1 thread", PricingInputs.spread(st)));
    }
    return out;
  }

  /** Whether {@code v} runs on CPUs and is priced on one. */
  private static boolean pricedOnCpus(Pricer pricer, ChooseVariants.Variant v) {
    return v.built().method().runsOnCpus() && v.hardware().stream().anyMatch(pricer::isCpu);
  }

  /**
   * Synthetic inputs at {@code --shape} where given, else the model's shapes with their defaults (a
   * decoder's key/value cache empty), at {@code batch}.
   */
  static List<Tensor> inputsAt(ChooseRequest req, int batch) throws InfercostException {
    return SideBySide.syntheticInputs(req.model().path(), req.shapes(), batch, s -> {});
  }

  private static Map<String, long[]> shapesOf(List<Tensor> inputs) {
    Map<String, long[]> m = new LinkedHashMap<>();
    inputs.forEach(t -> m.put(t.name(), t.shape()));
    return m;
  }
}
