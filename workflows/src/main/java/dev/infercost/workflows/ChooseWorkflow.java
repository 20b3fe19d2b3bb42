package dev.infercost.workflows;

import dev.infercost.base.InfercostException;
import dev.infercost.cost.Figure;
import dev.infercost.cost.HardwareEntry;
import dev.infercost.cost.Optimizer;
import dev.infercost.cost.Sensitivity;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.ModelInfo;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Tensor;
import dev.infercost.profile.Concurrency;
import dev.infercost.profile.EvalData;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.Evaluator;
import dev.infercost.profile.HostInfo;
import dev.infercost.profile.ProfileOptions;
import dev.infercost.profile.SideBySide;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code choose}: build the variants, evaluate each once, measure each at every batch size on this
 * host (interleaved), price every (variant, hardware, batch) — measured on this host's catalog
 * entry, projected elsewhere — and rank them with {@link Optimizer}.
 */
public final class ChooseWorkflow {
  /** How long the concurrent streams of one variant run (at least). */
  private static final long STREAM_MILLIS = 1000;

  private ChooseWorkflow() {}

  public static ChooseReport run(ChooseRequest req, Consumer<String> progress)
      throws InfercostException {
    HostInfo hostInfo = HostInfo.current();
    Pricing pricing =
        Pricing.of(List.of(), req.catalog(), req.measuredOn(), hostInfo, req.threads());
    List<String> hardware = req.hardware();
    if (hardware.isEmpty()) {
      hardware =
          pricing.catalog().entries().stream()
              .filter(e -> !e.example())
              .map(HardwareEntry::id)
              .toList();
    }
    pricing = pricing.withTargets(hardware);
    Path input = Models.resolve(req.model(), ModelFormat.ONNX);
    Path work =
        req.outDir()
            .orElse(Models.cacheDir().resolve("choose").resolve(input.getFileName().toString()));

    EvalData heldOut = heldOut(req, input);
    Map<String, String> files = new LinkedHashMap<>();
    Map<String, ChooseReport.Variant> variants = new LinkedHashMap<>();
    for (String m : req.methods()) {
      Built b = build(req, m, input, work, progress);
      // Compressed variants were evaluated by compress on this same held-out data.
      EvalReport f =
          b.fidelity() != null
              ? b.fidelity()
              : Evaluator.evaluate(input.toString(), b.file(), heldOut, req.threads(), progress);
      files.put(m, b.file());
      variants.put(
          m,
          new ChooseReport.Variant(
              b.file(), Reports.size(Path.of(b.file())), f, drop(req.bound(), f)));
    }

    Map<String, OnnxModel> loaded = new LinkedHashMap<>();
    for (var e : files.entrySet()) {
      loaded.put(e.getKey(), Models.loadOnnx(Path.of(e.getValue())));
    }
    List<Optimizer.Row> rows = new ArrayList<>();
    for (int batch : req.batches()) {
      Map<String, long[]> shapes = new LinkedHashMap<>(req.shapes());
      List<Tensor> inputs =
          SideBySide.syntheticInputs(input.toString(), withBatch(input, shapes, batch), s -> {});
      List<String> paths = new ArrayList<>(files.values());
      List<SideBySide.Result> lat =
          SideBySide.measure(paths, inputs, sampling(req.threads()), 4, progress);
      Map<String, Double> oneThread = oneThread(req, pricing, files, inputs, batch, progress);
      Map<String, Concurrency.Result> streams = streams(req, pricing, files, inputs, progress);
      int i = 0;
      for (var e : files.entrySet()) {
        SideBySide.Result r = lat.get(i++);
        Point single =
            new Point(
                batch * 1000.0 / r.stats().mean(),
                r.stats().p99(),
                req.threads() == 1 ? "1 thread" : req.threads() + " threads");
        Point point = Point.best(req, single, streams.get(e.getKey()), batch);
        double t1 = oneThread.getOrDefault(e.getKey(), Double.NaN);
        ModelInfo atBatch = loaded.get(e.getKey()).info(shapesOf(inputs));
        // CPUs are priced at the chosen way of keeping the host busy; GPUs run one stream.
        List<Pricing.Priced> cpuSide =
            pricing.price(e.getKey(), atBatch, batch, point.throughput(), t1, point.how());
        List<Pricing.Priced> gpuSide =
            point == single
                ? cpuSide
                : pricing.price(e.getKey(), atBatch, batch, single.throughput(), t1, single.how());
        for (Pricing.Priced p : cpuSide) {
          if (pricing.isCpu(p.hardware())) {
            // With single-thread streams a call's latency follows the speed of one core, not the
            // instance's throughput.
            double p99 =
                point == single
                    ? point.p99Ms() / p.scale()
                    : point.p99Ms() / pricing.perCoreSpeedup(p.hardware());
            rows.add(row(e.getKey(), variants, p, batch, p99));
          }
        }
        for (Pricing.Priced p : gpuSide) {
          if (!pricing.isCpu(p.hardware())) {
            rows.add(row(e.getKey(), variants, p, batch, single.p99Ms() / p.scale()));
          }
        }
      }
    }
    Optimizer.Request request =
        new Optimizer.Request(maxDrop(req.bound()), req.p99Ms(), req.qps().orElse(null));
    Optimizer.Result result = Optimizer.choose(rows, pricing.catalog(), request);
    Sensitivity.Report sensitivity =
        result.winner().isPresent() ? Sensitivity.analyze(rows, pricing.catalog(), request) : null;
    ChooseReport report =
        new ChooseReport(
            1,
            "choose",
            req.model(),
            pricing.host().map(HardwareEntry::id).orElse(null),
            variants,
            rows,
            result,
            sensitivity,
            notes(req, pricing),
            hostInfo);
    if (req.outDir().isPresent()) {
      Reports.writeJson(req.outDir().get().resolve("report.json"), report);
      Reports.writeText(req.outDir().get().resolve("report.md"), ChooseMarkdown.render(report));
    }
    return report;
  }

  private static List<String> notes(ChooseRequest req, Pricing pricing) {
    List<String> notes = new ArrayList<>(pricing.notes());
    if (req.methods().contains("fp16")) {
      notes.add(
          "fp16 fidelity is measured with ONNX Runtime's CPU provider, which computes"
              + " MatMul/Gemm/Conv of an fp16 graph in fp32 behind casts: an upper bound for"
              + " fp16 arithmetic on a GPU");
    }
    if (req.methods().contains(CompressRequest.INT8_QDQ)) {
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

  /** A variant's model file and, for the ones compress built, its fidelity on the held-out data. */
  private record Built(String file, EvalReport fidelity) {}

  /** Variant {@code method}: the input itself, or built under {@code work}. */
  private static Built build(
      ChooseRequest req, String method, Path input, Path work, Consumer<String> progress)
      throws InfercostException {
    if (method.equals("fp32")) {
      return new Built(input.toString(), null);
    }
    Path dir = work.resolve(method);
    if (method.equals("fp16")) {
      return new Built(
          TargetGpuWorkflow.writeFp16(Models.loadOnnx(input), dir, progress).toString(), null);
    }
    CompressRequest.Builder b =
        CompressRequest.builder(req.model(), dir)
            .optMethod(method)
            .optThreads(req.threads())
            .optMeasure(false);
    req.data().ifPresent(b::optData);
    CompressReport r = CompressWorkflow.run(b.build(), progress);
    return new Built(r.output().path(), r.fidelity());
  }

  /**
   * The data every variant is evaluated on: the held-out part of the split that compress calibrates
   * beside (built-in models: their test set), so no int8 variant is scored on its own calibration
   * batches.
   */
  private static EvalData heldOut(ChooseRequest req, Path input) throws InfercostException {
    CompressRequest.Builder b = CompressRequest.builder(req.model(), input.getParent());
    req.data().ifPresent(b::optData);
    var plan =
        CompressWorkflow.planData(
            b.build(),
            Models.builtin(req.model()),
            Evaluator.inputSpecs(input.toString()),
            Evaluator.builtinTokenizer(req.model()));
    if (plan.evaluation() == null) {
      throw new InfercostException(
          req.model() + ": choose needs --data to check the accuracy bound");
    }
    return plan.evaluation();
  }

  private static Optimizer.Row row(
      String variant,
      Map<String, ChooseReport.Variant> variants,
      Pricing.Priced p,
      int batch,
      double p99Ms) {
    Figure.Provenance prov =
        p.estimated()
            ? Figure.Provenance.estimated(p.provenance())
            : Figure.Provenance.measured(p.provenance());
    return new Optimizer.Row(
        variant,
        variants.get(variant).accuracyDrop(),
        p.hardware(),
        batch,
        p99Ms,
        p.throughput(),
        prov);
  }

  /**
   * One way of keeping this host's threads busy with a variant.
   *
   * @param throughput inferences/s
   * @param p99Ms p99 latency of one call
   * @param how for provenance: {@code "2 threads"}, {@code "2 streams x 1 thread"}
   */
  record Point(double throughput, double p99Ms, String how) {
    /**
     * Of one stream with every thread and (when measured) as many single-thread streams, the one
     * with the higher throughput among those whose p99 meets the objective on this host, else the
     * single stream. The choice is made here and carried to the CPUs it is projected onto.
     */
    static Point best(ChooseRequest req, Point single, Concurrency.Result streams, int batch) {
      if (streams == null) {
        return single;
      }
      Point many =
          new Point(
              streams.throughputPerS() * batch,
              streams.stats().p99(),
              streams.streams() + " streams x 1 thread");
      boolean manyOk = many.p99Ms() <= req.p99Ms();
      boolean singleOk = single.p99Ms() <= req.p99Ms();
      if (manyOk && (!singleOk || many.throughput() > single.throughput())) {
        return many;
      }
      return single;
    }
  }

  /**
   * Throughput of as many single-thread streams as threads, for the variants priced on CPUs (all
   * but fp16): for small models that beats one stream with every thread. Empty at 1 thread or when
   * no CPU is priced.
   */
  private static Map<String, Concurrency.Result> streams(
      ChooseRequest req,
      Pricing pricing,
      Map<String, String> files,
      List<Tensor> inputs,
      Consumer<String> progress)
      throws InfercostException {
    Map<String, Concurrency.Result> out = new LinkedHashMap<>();
    boolean cpus = pricing.targets().stream().anyMatch(t -> t.kind() == HardwareEntry.Kind.CPU);
    if (req.threads() == 1 || !cpus) {
      return out;
    }
    long free =
        ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getFreeMemorySize();
    for (var e : files.entrySet()) {
      // Each stream's session holds its own copy of the weights: keep them within half of the
      // free memory, else price the single stream only.
      if (Pricing.pricedOnCpus(e.getKey())
          && req.threads() * 2 * Reports.size(Path.of(e.getValue())) <= free) {
        progress.accept(
            "measuring " + req.threads() + " concurrent single-thread streams of " + e.getKey());
        out.put(
            e.getKey(),
            Concurrency.measure(e.getValue(), inputs, sampling(1), req.threads(), STREAM_MILLIS));
      }
    }
    return out;
  }

  /**
   * Throughput at 1 thread of the variants priced on CPUs (all but fp16), to fit the thread scaling
   * of CPU projections; empty when the priced measurement already ran at 1 thread or no CPU entry
   * besides this host's is priced.
   */
  private static Map<String, Double> oneThread(
      ChooseRequest req,
      Pricing pricing,
      Map<String, String> files,
      List<Tensor> inputs,
      int batch,
      Consumer<String> progress)
      throws InfercostException {
    boolean projectsCpus =
        pricing.targets().stream()
            .anyMatch(
                t ->
                    t.kind() == HardwareEntry.Kind.CPU
                        && !pricing.host().map(h -> h.id().equals(t.id())).orElse(false));
    Map<String, Double> out = new LinkedHashMap<>();
    if (req.threads() == 1 || !projectsCpus) {
      return out;
    }
    List<String> names = files.keySet().stream().filter(Pricing::pricedOnCpus).toList();
    List<String> paths = names.stream().map(files::get).toList();
    List<SideBySide.Result> r = SideBySide.measure(paths, inputs, sampling(1), 2, progress);
    for (int i = 0; i < names.size(); i++) {
      out.put(names.get(i), batch * 1000.0 / r.get(i).stats().mean());
    }
    return out;
  }

  /** The variant's loss against the bound's measure: accuracy drop, or 1 − mean cosine. */
  static double drop(Bound b, EvalReport f) throws InfercostException {
    if (b.kind().equals(Bound.MIN_COSINE)) {
      return 1 - f.meanCosine();
    }
    if (f.accuracyDrop() == null) {
      throw new InfercostException(
          f.data()
              + ": --max-accuracy-drop needs labelled data; pass labelled --data or use --min-cosine");
    }
    return f.accuracyDrop();
  }

  static double maxDrop(Bound b) {
    return b.kind().equals(Bound.MIN_COSINE) ? 1 - b.value() : b.value();
  }

  private static Map<String, long[]> withBatch(Path model, Map<String, long[]> shapes, int batch)
      throws InfercostException {
    Map<String, long[]> out = new LinkedHashMap<>();
    for (var spec : Models.loadOnnx(model).info(Map.of()).inputs()) {
      long[] s = shapes.get(spec.name());
      if (s == null) {
        s = spec.dims().stream().mapToLong(d -> d.isFixed() ? d.size() : 128).toArray();
      }
      s = s.clone();
      if (s.length > 0 && (spec.dims().isEmpty() || !spec.dims().get(0).isFixed())) {
        s[0] = batch;
      }
      out.put(spec.name(), s);
    }
    return out;
  }

  private static Map<String, long[]> shapesOf(List<Tensor> inputs) {
    Map<String, long[]> m = new LinkedHashMap<>();
    inputs.forEach(t -> m.put(t.name(), t.shape()));
    return m;
  }
}
