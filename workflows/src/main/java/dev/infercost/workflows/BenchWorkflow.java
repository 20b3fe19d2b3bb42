package dev.infercost.workflows;

import dev.infercost.base.Hashes;
import dev.infercost.base.InfercostException;
import dev.infercost.base.OutputGuard;
import dev.infercost.base.Parameter;
import dev.infercost.compress.CpuFeatures;
import dev.infercost.compress.NodeFilter;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.QuantOptions;
import dev.infercost.cost.Catalog;
import dev.infercost.cost.CostModel;
import dev.infercost.cost.HardwareEntry;
import dev.infercost.cost.Pricer;
import dev.infercost.gate.BenchResults;
import dev.infercost.gate.BenchResults.Entry;
import dev.infercost.gate.BenchResults.Kind;
import dev.infercost.gate.BenchResults.Metric;
import dev.infercost.gate.Measure;
import dev.infercost.models.ModelInfo;
import dev.infercost.models.Models;
import dev.infercost.models.Tensor;
import dev.infercost.profile.EvalData;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.HostInfo;
import dev.infercost.profile.LatencyStats;
import dev.infercost.profile.ProfileOptions;
import dev.infercost.profile.SideBySide;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code bench}: measures every entry of a suite (size, MACs, accuracy or fidelity, latency
 * samples, throughput, cost per 1M inferences per hardware) plus a reference workload, and writes
 * the results {@code gate} compares.
 */
public final class BenchWorkflow {
  /** Samples kept per metric: plenty for the gate's bootstrap, small enough for JSON. */
  static final int MAX_SAMPLES = 1000;

  /**
   * Fewest ABBA rounds when an entry names a paired baseline (more when the suite asks for more
   * samples: two per side per round): enough per-round ratios for the gate's bootstrap over rounds.
   */
  static final int PAIRED_ROUNDS = 30;

  /** Calibration batches for int8 entries, as {@code compress} takes by default. */
  private static final int CALIBRATION_SAMPLES = 100;

  private BenchWorkflow() {}

  /** At most {@code max} samples, evenly spaced in run order. */
  static List<Double> thin(List<Double> s, int max) {
    if (s.size() <= max) {
      return s;
    }
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < max; i++) {
      out.add(s.get((int) ((long) i * s.size() / max)));
    }
    return out;
  }

  /** Runs the suite in {@code suiteFile} and writes the results to {@code out}. */
  public static BenchRun run(Path suiteFile, Path out, Consumer<String> progress)
      throws InfercostException {
    OutputGuard.of()
        .input("the suite", suiteFile)
        .output("the results", out)
        .folder(
            "the results' folder",
            out.toAbsolutePath().getParent(),
            List.of(modelsDir(out).getFileName().toString()))
        .check();
    BenchSuite suite = BenchSuite.load(suiteFile);
    Path base = suiteFile.toAbsolutePath().getParent();
    int threads = suite.threads() == null ? 1 : suite.threads();
    HostInfo host = HostInfo.current();
    Pricer pricer =
        Pricer.of(
            Catalog.builtin(),
            hardware(suite.hardware() == null ? List.of() : suite.hardware(), host, progress),
            Optional.empty(),
            PricingInputs.hostCpu(host),
            threads);
    // The models folder is one output set: locked against a second run, emptied if this one fails.
    return Reports.inOutputSet(
        workDir(out),
        List.of(),
        work -> {
          List<Entry> entries = new ArrayList<>();
          Map<String, BenchRun.Detail> details = new LinkedHashMap<>();
          List<Double> referenceSamples = new ArrayList<>();
          for (BenchSuite.Entry e : suite.entries()) {
            progress.accept("bench: " + e.name());
            Measured m =
                entry(suite, e, base, work, threads, host, pricer, referenceSamples, progress);
            entries.add(m.entry());
            details.put(e.name(), m.detail());
          }
          BenchResults results =
              new BenchResults(
                  out.toString(),
                  BenchResults.Format.BENCH,
                  Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                  new BenchResults.Provenance(
                      gitCommit(base),
                      host(host),
                      threads,
                      host.infercost(),
                      host.onnxRuntime(),
                      host.java(),
                      suiteFile.toString(),
                      host.fingerprint(threads)),
                  new BenchResults.Reference(
                      REFERENCE_MODEL
                          + " batch 64, ONNX Runtime, "
                          + threads
                          + " thread(s), interleaved with the entries",
                      "ms",
                      thin(referenceSamples, MAX_SAMPLES)),
                  entries);
          BenchRun r = new BenchRun(results, details);
          Reports.writeJson(out, r);
          return r;
        });
  }

  /**
   * The suite's hardware list with {@link Target#HOST} replaced by the catalog entry this host
   * matches (priced {@code measured}), or dropped with a note when none does; each entry once.
   */
  static List<String> hardware(List<String> listed, HostInfo host, Consumer<String> progress) {
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
    for (String h : listed) {
      if (!h.equalsIgnoreCase(Target.HOST)) {
        out.add(h);
        continue;
      }
      Optional<dev.infercost.cost.HardwareEntry> match =
          Pricer.matchHost(Catalog.builtin(), PricingInputs.hostCpu(host));
      if (match.isPresent()) {
        out.add(match.get().id());
      } else {
        progress.accept(
            "note: hardware 'host': no catalog entry matches this machine; its row is left out");
      }
    }
    return List.copyOf(out);
  }

  /** The gate's record of the machine. */
  private static BenchResults.Host host(HostInfo h) {
    return new BenchResults.Host(h.cpuModel(), h.logicalCores(), h.cpuFeatures(), h.os(), h.arch());
  }

  /** One entry's results and its detail. */
  private record Measured(Entry entry, BenchRun.Detail detail) {}

  private static Measured entry(
      BenchSuite suite,
      BenchSuite.Entry e,
      Path base,
      Path work,
      int threads,
      HostInfo host,
      Pricer pricer,
      List<Double> referenceSamples,
      Consumer<String> progress)
      throws InfercostException {
    ModelRef model = ModelRef.resolve(modelRef(e.model(), base));
    Map<String, long[]> shapes = new LinkedHashMap<>();
    if (e.shapes() != null) {
      e.shapes().forEach((k, v) -> shapes.put(k, v.stream().mapToLong(Long::longValue).toArray()));
    }
    Optional<Path> data =
        e.data() == null || e.data().equals("builtin")
            ? Optional.empty()
            : Optional.of(base.resolve(e.data()));
    Method method = e.method();
    BuiltVariant built;
    if (method == Method.INT8_DYNAMIC || e.prune() != null) {
      Recipe recipe =
          method == Method.INT8_DYNAMIC
              ? new Recipe.Int8Dynamic(quant(e.compress()))
              : new Recipe.Fp32();
      if (e.prune() != null) {
        recipe = new Recipe.Pruned(e.prune(), NodeFilter.all(), recipe);
      }
      built =
          Variants.of(
                  model,
                  DataPlan.of(model, data, Optional.empty(), CALIBRATION_SAMPLES),
                  threads,
                  progress)
              .build(recipe, work.resolve(BenchSuite.fileName(e.name())));
    } else {
      // The input model is evaluated on all of its data: nothing is held out for calibration.
      Optional<Path> d = data.isPresent() ? data : model.defaultEvaluationData();
      DataPlan plan =
          d.isEmpty()
              ? DataPlan.none()
              : DataPlan.evaluationOnly(EvalData.load(d.get(), model.inputs(), model.tokenizer()));
      built = Variants.of(model, plan, threads, progress).build(new Recipe.Fp32(), work);
    }
    EvalReport eval = built.fidelity().orElse(null);
    Path file = built.file();
    ModelInfo info = Models.loadOnnx(file).info(shapes);
    String how =
        "measured on "
            + host.cpuModel()
            + " at "
            + threads
            + (threads == 1 ? " thread" : " threads")
            + " ("
            + host.logicalCores()
            + " logical cores)";
    List<Metric> metrics = new ArrayList<>();
    metrics.add(Measure.SIZE.of(info.fileBytes(), "file size"));
    if (info.macs() != null) {
      metrics.add(Measure.MACS.of(info.macs(), "shape inference"));
    }
    if (eval != null && eval.candidateAccuracy() != null) {
      metrics.add(Measure.ACCURACY.of(eval.candidateAccuracy(), "top-1 on " + eval.data()));
    } else if (eval != null) {
      metrics.add(
          Measure.FIDELITY_COSINE.of(eval.meanCosine(), "mean cosine to fp32 on " + eval.data()));
    }
    int reps =
        e.repetitions() != null ? e.repetitions() : suite.samples() != null ? suite.samples() : 30;
    long minMillis = (long) ((suite.minSeconds() == null ? 1.0 : suite.minSeconds()) * 1000);
    ProfileOptions o =
        ProfileOptions.builder()
            .optThreads(threads)
            .optWarmup(10, 200)
            .optSampling(Math.max(1, reps / 5), minMillis, 120_000)
            .build();
    List<Tensor> inputs =
        SideBySide.syntheticInputs(file.toString(), shapes, n -> progress.accept("note: " + n));
    // The reference workload runs interleaved with every entry, so the gate can divide out how
    // fast this machine happened to run (a shared host drifts from run to run). An entry with a
    // paired baseline is timed in ABBA rounds of single inferences against it instead, the
    // reference once per round.
    List<String> models = new ArrayList<>(List.of(file.toString(), REFERENCE_MODEL));
    List<List<Tensor>> modelInputs = new ArrayList<>(List.of(inputs, referenceInputs()));
    BenchResults.Paired paired = null;
    SideBySide.Result m;
    if (e.baseline() == null) {
      List<SideBySide.Result> all = SideBySide.measureEach(models, modelInputs, o, 5, progress);
      m = all.get(0);
      referenceSamples.addAll(all.get(1).samplesMs());
    } else {
      models.add(1, ModelRef.resolve(modelRef(e.baseline(), base)).file().toString());
      modelInputs.add(1, inputs);
      List<SideBySide.Result> all =
          SideBySide.measurePaired(
              models, modelInputs, o, Math.max(PAIRED_ROUNDS, (reps + 1) / 2), progress);
      m = all.get(0);
      referenceSamples.addAll(all.get(2).samplesMs());
      paired =
          new BenchResults.Paired(
              e.baseline(),
              SideBySide.onCallingThread(o)
                  ? BenchResults.Paired.THREAD_CPU
                  : BenchResults.Paired.WALL,
              m.roundMediansMs(),
              all.get(1).roundMediansMs());
    }
    LatencyStats lat = m.stats();
    List<Double> samples = thin(m.samplesMs(), MAX_SAMPLES);
    int batch = EvalData.samplesIn(inputs);
    double throughput = batch * 1000.0 / lat.p50();
    metrics.add(Measure.LATENCY_P50.of(lat.p50(), samples, how));
    metrics.add(
        Measure.THROUGHPUT.of(
            throughput, samples.stream().map(s -> batch * 1000.0 / s).toList(), how));
    metrics.addAll(costMetrics(pricer, built.recipe(), info, samples, batch, throughput));
    Map<String, List<Long>> used = new LinkedHashMap<>();
    inputs.forEach(t -> used.put(t.name(), Arrays.stream(t.shape()).boxed().toList()));
    return new Measured(
        new Entry(
            e.name(),
            e.model(),
            built.recipe().label(),
            Hashes.sha256(file),
            batch,
            metrics,
            paired),
        new BenchRun.Detail(lat, throughput, used));
  }

  /** Bench metrics {@code cost.<hardware>}: samples follow the latency samples where scaled. */
  private static List<Metric> costMetrics(
      Pricer pricer,
      Recipe recipe,
      ModelInfo info,
      List<Double> samplesMs,
      int batch,
      double throughput) {
    List<Metric> out = new ArrayList<>();
    for (Pricer.Priced p :
        pricer.price(recipe.deployable(), PricingInputs.gpuGraph(info, batch), throughput).rows()) {
      HardwareEntry t = pricer.catalog().find(p.hardware()).orElseThrow();
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
              p.throughput().provenance().toString()));
    }
    return out;
  }

  /** The reference workload: digits-cnn at batch 64, a fraction of a millisecond of work. */
  static final String REFERENCE_MODEL = "digits-cnn";

  private static List<Tensor> referenceInputs() throws InfercostException {
    return SideBySide.syntheticInputs(
        REFERENCE_MODEL, Map.of("input", new long[] {64, 1, 8, 8}), s -> {});
  }

  private static QuantOptions quant(Map<String, Object> c) throws InfercostException {
    Map<String, Object> m = c == null ? Map.of() : c;
    for (String k : m.keySet()) {
      if (!List.of("smooth", "reduceRange", "perTensor", "exclude").contains(k)) {
        throw new InfercostException(
            "suite: unknown compress option '" + k + "' (smooth, reduceRange, perTensor, exclude)");
      }
    }
    String smooth = String.valueOf(m.getOrDefault("smooth", "auto")).toLowerCase(Locale.ROOT);
    String rr = String.valueOf(m.getOrDefault("reduceRange", "auto")).toLowerCase(Locale.ROOT);
    boolean reduce =
        switch (rr) {
          case "auto" -> CpuFeatures.needsReducedRange();
          case "on", "true" -> true;
          case "off", "false" -> false;
          default ->
              throw new InfercostException("suite: reduceRange '" + rr + "': use auto, on or off");
        };
    double alpha;
    try {
      alpha =
          smooth.equals("auto")
              ? PassContext.AUTO_ALPHA
              : smooth.equals("off") ? 0 : Double.parseDouble(smooth);
    } catch (NumberFormatException ex) {
      throw new InfercostException("suite: smooth '" + smooth + "': use auto, off or a number");
    }
    @SuppressWarnings("unchecked")
    List<String> exclude = m.get("exclude") instanceof List<?> l ? (List<String>) l : List.of();
    return new QuantOptions(
        new NodeFilter(List.of(), exclude),
        !Boolean.TRUE.equals(m.get("perTensor")),
        reduce,
        true,
        alpha);
  }

  private static String modelRef(String model, Path base) {
    return Models.builtin(model).isPresent() ? model : base.resolve(model).toString();
  }

  /**
   * Where the variants a suite builds (compressed, pruned) are written: {@code RESULTS.models/}
   * next to the results file {@code out}, so they can be inspected or profiled again.
   */
  public static Path modelsDir(Path out) {
    return out.toAbsolutePath().getParent().resolve(out.getFileName() + ".models");
  }

  private static Path workDir(Path out) throws InfercostException {
    Path dir = modelsDir(out);
    try {
      Files.createDirectories(dir);
      return dir;
    } catch (IOException e) {
      throw new InfercostException(
          out + ": cannot create " + dir + " (" + e.getMessage() + "); choose a writable output",
          Parameter.OUTPUT_FILE);
    }
  }

  /** HEAD's commit id, read from the .git folder above {@code dir}, or {@code null}. */
  static String gitCommit(Path dir) {
    for (Path d = dir; d != null; d = d.getParent()) {
      Path git = d.resolve(".git");
      if (Files.isDirectory(git)) {
        try {
          String head = Files.readString(git.resolve("HEAD")).trim();
          if (!head.startsWith("ref: ")) {
            return head;
          }
          Path ref = git.resolve(head.substring(5));
          if (Files.exists(ref)) {
            return Files.readString(ref).trim();
          }
          Path packed = git.resolve("packed-refs");
          if (Files.exists(packed)) {
            for (String l : Files.readAllLines(packed)) {
              if (l.endsWith(" " + head.substring(5))) {
                return l.substring(0, l.indexOf(' '));
              }
            }
          }
        } catch (IOException e) {
          return null;
        }
        return null;
      }
    }
    return null;
  }
}
