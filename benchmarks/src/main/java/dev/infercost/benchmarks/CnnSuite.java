package dev.infercost.benchmarks;

import dev.infercost.compress.CpuFeatures;
import dev.infercost.models.DType;
import dev.infercost.models.Dim;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.models.Tensor;
import dev.infercost.models.TensorSpec;
import dev.infercost.profile.EvalData;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.Evaluator;
import dev.infercost.profile.HostInfo;
import dev.infercost.profile.InputNoise;
import dev.infercost.profile.LatencyStats;
import dev.infercost.profile.MetricScore;
import dev.infercost.profile.MetricSet;
import dev.infercost.profile.Preprocessing;
import dev.infercost.profile.ProfileOptions;
import dev.infercost.profile.SideBySide;
import dev.infercost.profile.TaskMetric;
import dev.infercost.workflows.Bound;
import dev.infercost.workflows.CompressReport;
import dev.infercost.workflows.CompressRequest;
import dev.infercost.workflows.CompressWorkflow;
import dev.infercost.workflows.Method;
import dev.infercost.workflows.ModelRef;
import dev.infercost.workflows.Recipe;
import dev.infercost.workflows.Reports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The real-CNN suite: digits-cnn (built-in) and two pretrained CNNs from different exporters, M-LSD
 * (a MobileNetV2-based line-segment detector, tf2onnx, fetched by {@code benchmarks/fetch-mlsd})
 * and PP-OCRv4's text detector (a DB head on PP-LCNetV3 with hard-swish and learned affine blocks,
 * paddle2onnx, fetched by {@code benchmarks/fetch-ppocr}), compressed with int8-static,
 * int8-dynamic and {@code --method auto} (min cosine {@value #MIN_COSINE}; the real models also
 * bounded by their task metric, at most {@value #MAX_TASK_DROP} below fp32's: M-LSD's segment F1,
 * the detector's text-region IoU), each compared with fp32 in one process at 1 thread: latency
 * interleaved ({@link SideBySide}), output fidelity and a task check on held-out data.
 *
 * <p>M-LSD's data are rendered line images (PNG, {@link LineImages}) read through the image-folder
 * reader (a {@code preprocess.yaml}: raw 0..255 RGB, NHWC), then given the constant alpha channel
 * the model's 4-channel input takes and written as {@code .npz}: images give 1 or 3 channels. The
 * text detector's are rendered text images ({@link TextImages}) given to the tool as image folders
 * with PaddleOCR's preprocessing (ImageNet mean and std, BGR, NCHW) at 320×320.
 *
 * <p>How to run: {@code benchmarks/fetch-mlsd && benchmarks/fetch-ppocr && benchmarks/cnn-suite
 * [--models a,b] [--rounds 12] [--samples 10] [--calib 32] [--held 32] [--max-trials 12]}. Writes
 * {@code benchmarks/target/cnn-suite/results.json}.
 */
public final class CnnSuite {
  static final double MIN_COSINE = 0.99;
  static final double SPEEDUP_GOAL = 1.5;
  static final double MAX_TASK_DROP = 0.05;
  private static final String DIGITS = "digits-cnn";
  private static final String PPOCR = "ppocr-v4-det";
  private static final String PPOCR_FILE = "ch_PP-OCRv4_det_infer.onnx";
  private static final int PPOCR_SIZE = 320;

  private CnnSuite() {}

  /**
   * One variant of one model.
   *
   * @param variant fp32, a recipe's label, or auto with the configuration it kept
   * @param meanCosine mean cosine with fp32's over the held-out samples, of the worst output (what
   *     the bound uses)
   * @param outputCosines per output, its mean cosine
   * @param task the task check: top-1 accuracy (digits-cnn), or the real model's task metric vs
   *     fp32
   * @param metrics every task metric score
   * @param speedup fp32 p50 ÷ this p50, measured side by side
   */
  record Row(
      String model,
      String variant,
      String file,
      long bytes,
      double meanCosine,
      double minCosine,
      Map<String, Double> outputCosines,
      Double task,
      Map<String, Double> metrics,
      LatencyStats latency,
      double speedup) {}

  /**
   * The fp32 model against itself with its float inputs moved by up to half an 8-bit step ({@link
   * InputNoise}): how much of a variant's loss the model's own stability explains.
   *
   * @param inputsMoved how far, per input
   * @param meanCosine mean cosine of the worst output
   * @param outputCosines per output, its mean cosine
   * @param task the task check, as in {@link Row#task}
   */
  record OwnStability(
      String inputsMoved, double meanCosine, Map<String, Double> outputCosines, Double task) {}

  /** What results.json holds. */
  record Results(
      HostInfo host,
      String int8Isa,
      String settings,
      Map<String, String> taskChecks,
      List<Row> rows,
      Map<String, OwnStability> stability,
      Map<String, Boolean> goals) {}

  /**
   * A model with its data: held-out evaluation data, calibration data, latency inputs; {@code task}
   * is the real models' task metric (null for digits-cnn, whose task check is labelled accuracy).
   */
  private record Case(
      String name,
      String fp32,
      TaskMetric task,
      Optional<Path> held,
      Optional<Path> calib,
      EvalData eval,
      List<Tensor> latencyInputs,
      MetricSet metrics,
      String taskCheck) {
    boolean real() {
      return task != null;
    }
  }

  public static void main(String[] args) throws Exception {
    List<String> names = null;
    int rounds = 12;
    int samples = 10;
    int calib = 32;
    int held = 32;
    int maxTrials = 12;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--models" -> names = List.of(args[i + 1].split(","));
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--samples" -> samples = Integer.parseInt(args[i + 1]);
        case "--calib" -> calib = Integer.parseInt(args[i + 1]);
        case "--held" -> held = Integer.parseInt(args[i + 1]);
        case "--max-trials" -> maxTrials = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path dir = Path.of("benchmarks", "target", "cnn-suite").toAbsolutePath();
    Path mlsd = Path.of("benchmarks", "target", "mlsd", "package", "ONNX").toAbsolutePath();
    Path ppocr =
        Path.of("benchmarks", "target", "ppocr", "package", "assets", PPOCR_FILE).toAbsolutePath();
    if (names == null) {
      names = new ArrayList<>(List.of(DIGITS));
      names.addAll(mlsdModels(mlsd));
      if (Files.isRegularFile(ppocr)) {
        names.add(PPOCR);
      } else {
        log("no " + ppocr + "; run benchmarks/fetch-ppocr first (no text detector)");
      }
    }
    Files.createDirectories(dir);
    List<Row> rows = new ArrayList<>();
    Map<String, String> checks = new LinkedHashMap<>();
    Map<String, OwnStability> stability = new LinkedHashMap<>();
    Map<String, Boolean> goals = new LinkedHashMap<>();
    ProfileOptions o =
        ProfileOptions.builder()
            .optThreads(1)
            .optWarmup(10, 0)
            .optSampling(samples, 0, 600_000)
            .build();
    for (String name : names) {
      Case c =
          switch (name) {
            case DIGITS -> digits();
            case PPOCR -> textDetector(ppocr, dir.resolve("data"), calib, held);
            default -> mlsd(mlsd.resolve(name + ".onnx"), dir.resolve("data"), calib, held);
          };
      checks.put(c.name(), c.taskCheck());
      List<Row> model = run(c, dir.resolve(c.name()), o, rounds, maxTrials);
      rows.addAll(model);
      stability(c).ifPresent(st -> stability.put(c.name(), st));
      goals.putAll(goals(c, model));
    }
    Results res =
        new Results(
            HostInfo.current(),
            CpuFeatures.int8InstructionSet(),
            "1 thread; latency on one held-out sample (digits-cnn: synthetic 1x1x8x8), "
                + rounds
                + " interleaved rounds x "
                + samples
                + " runs per model; real models' data: "
                + calib
                + " calibration and "
                + held
                + " held-out rendered images; auto: min cosine "
                + MIN_COSINE
                + ", at most "
                + maxTrials
                + " trials",
            checks,
            rows,
            stability,
            goals);
    Reports.writeJson(dir.resolve("results.json"), res);
    print(res);
  }

  /** The M-LSD files the fetch script extracted, by stem. */
  private static List<String> mlsdModels(Path dir) throws java.io.IOException {
    if (!Files.isDirectory(dir)) {
      log("no M-LSD models in " + dir + "; run benchmarks/fetch-mlsd first (digits-cnn only)");
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(f -> f.endsWith(".onnx"))
          .map(f -> f.substring(0, f.length() - 5))
          .sorted()
          .toList();
    }
  }

  private static Case digits() throws Exception {
    String fp32 = Models.resolve(DIGITS, ModelFormat.ONNX).toString();
    var b = Models.builtin(DIGITS).orElseThrow();
    Path data = Models.builtinFile(b, b.testDataResource().orElseThrow());
    EvalData eval = EvalData.load(data, Evaluator.inputSpecs(fp32), Optional.empty());
    List<Tensor> inputs =
        SideBySide.syntheticInputs(fp32, Map.of("input", new long[] {1, 1, 8, 8}), s -> {});
    return new Case(
        DIGITS,
        fp32,
        null,
        Optional.empty(),
        Optional.empty(),
        eval,
        inputs,
        MetricSet.none(),
        "top-1 accuracy on the bundled labelled held-out digits (calibration: the built-in split)");
  }

  /**
   * Renders calibration and held-out images for {@code model}'s input size (once per size), reads
   * them through the image-folder reader and writes the 4-channel {@code .npz} inputs.
   */
  private static Case mlsd(Path model, Path dataRoot, int calib, int held) throws Exception {
    String fp32 = model.toString();
    TensorSpec in = Evaluator.inputSpecs(fp32).get(0);
    int h = (int) in.dims().get(1).size();
    int w = (int) in.dims().get(2).size();
    if (h != w || in.dims().get(3).size() != 4) {
      throw new IllegalStateException(fp32 + ": expected a square NHWC RGBA input, got " + in);
    }
    Path sized = dataRoot.resolve(h + "x" + w);
    Path calibNpz = images(sized.resolve("calib"), in, calib, h, 1);
    Path heldNpz = images(sized.resolve("held"), in, held, h, 2);
    EvalData eval = EvalData.load(heldNpz, List.of(in), Optional.empty());
    MetricSet metrics =
        new MetricSet(
            List.of(new MlsdMetrics.SegmentF1(), new MlsdMetrics.ScoresCosine()), Optional.empty());
    String name = model.getFileName().toString().replace(".onnx", "");
    return new Case(
        name,
        fp32,
        new MlsdMetrics.SegmentF1(),
        Optional.of(heldNpz),
        Optional.of(calibNpz),
        eval,
        eval.batches().get(0),
        metrics,
        "segment F1 vs fp32: segments decoded as the package does (score >= "
            + MlsdMetrics.THRESHOLD
            + ", top "
            + MlsdMetrics.TOP_K
            + "), matched one-to-one when both endpoints lie within "
            + MlsdMetrics.MATCH_CELLS
            + " output cells; also the cosine of the 'scores' heatmap");
  }

  /**
   * Renders calibration and held-out text images into image folders with PaddleOCR's preprocessing,
   * which the tool reads as they are; latency on one held-out image.
   */
  private static Case textDetector(Path model, Path dataRoot, int calib, int held)
      throws Exception {
    String fp32 = model.toString();
    Path root = dataRoot.resolve("text-" + PPOCR_SIZE);
    Path calibDir = textImages(root.resolve("calib"), calib, 3);
    Path heldDir = textImages(root.resolve("held"), held, 4);
    EvalData eval = EvalData.load(heldDir, Evaluator.inputSpecs(fp32), Optional.empty());
    Tensor first = eval.batches().get(0).get(0);
    long[] one = first.shape();
    one[0] = 1;
    float[] x = java.util.Arrays.copyOf(first.toFloats(), (int) Tensor.elementCount(one));
    TaskMetric iou = new TextRegionIou();
    return new Case(
        PPOCR,
        fp32,
        iou,
        Optional.of(heldDir),
        Optional.of(calibDir),
        eval,
        List.of(Tensor.ofFloats(first.name(), one, x)),
        new MetricSet(List.of(iou), Optional.empty()),
        iou.description());
  }

  private static Path textImages(Path dir, int count, long seed) throws Exception {
    TextImages.render(dir, count, PPOCR_SIZE, seed * 1000 + PPOCR_SIZE);
    Files.writeString(
        dir.resolve(Preprocessing.FILE_NAME),
        "size: "
            + PPOCR_SIZE
            + "\nscale: 1/255\nmean: [0.485, 0.456, 0.406]\nstd: [0.229, 0.224, 0.225]\n"
            + "channels: bgr\nlayout: nchw\n");
    return dir;
  }

  /** {@code dir/png} rendered and read as an image folder, written as {@code dir/input.npz}. */
  private static Path images(Path dir, TensorSpec in, int count, int size, long seed)
      throws Exception {
    Path png = dir.resolve("png");
    Path npz = dir.resolve("input.npz");
    LineImages.render(png, count, size, seed * 1000 + size);
    // Raw 0..255 RGB in NHWC, as the package's own preprocessing feeds the model.
    Files.writeString(
        png.resolve(Preprocessing.FILE_NAME), "scale: 1\nchannels: rgb\nlayout: nhwc\n");
    TensorSpec rgb =
        new TensorSpec(
            in.name(),
            DType.FLOAT32,
            List.of(Dim.symbolic("N"), Dim.fixed(size), Dim.fixed(size), Dim.fixed(3)));
    EvalData d = EvalData.load(png, List.of(rgb), Optional.empty());
    List<Tensor> all = d.batches().stream().map(b -> b.get(0)).toList();
    LineImages.writeNpz(npz, LineImages.withAlpha(concat(all), in.name()));
    return npz;
  }

  private static Tensor concat(List<Tensor> ts) {
    long rows = ts.stream().mapToLong(t -> t.shape()[0]).sum();
    long[] shape = ts.get(0).shape();
    shape[0] = rows;
    float[] out = new float[(int) Tensor.elementCount(shape)];
    int at = 0;
    for (Tensor t : ts) {
      float[] v = t.toFloats();
      System.arraycopy(v, 0, out, at, v.length);
      at += v.length;
    }
    return Tensor.ofFloats(ts.get(0).name(), shape, out);
  }

  private static CompressRequest.Builder request(Case c, Path out)
      throws dev.infercost.base.InfercostException {
    CompressRequest.Builder b =
        CompressRequest.builder(ModelRef.resolve(c.real() ? c.fp32() : c.name()), out)
            .optThreads(1)
            .optMeasure(false)
            .optMetrics(c.metrics());
    c.held().ifPresent(b::optData);
    c.calib().ifPresent(b::optCalibrationData);
    return b;
  }

  private static List<Row> run(Case c, Path dir, ProfileOptions o, int rounds, int maxTrials)
      throws Exception {
    List<String> labels = new ArrayList<>();
    List<String> files = new ArrayList<>();
    labels.add(Method.FP32.label());
    files.add(c.fp32());
    for (Method m : List.of(Method.INT8_STATIC, Method.INT8_DYNAMIC)) {
      log(c.name() + ": building " + m.label());
      CompressReport r =
          CompressWorkflow.run(
              request(c, dir.resolve(m.label())).optRecipe(Recipe.of(m)).build(), CnnSuite::log);
      labels.add(m.label());
      files.add(r.output().path());
    }
    search(c, dir.resolve("auto"), Bound.minCosine(MIN_COSINE), "", maxTrials, labels, files);
    if (c.real()) {
      search(
          c,
          dir.resolve("auto-task"),
          Bound.maxMetricDrop(c.task(), MAX_TASK_DROP),
          c.task().name() + " drop <= " + MAX_TASK_DROP + ", ",
          maxTrials,
          labels,
          files);
    }

    List<EvalReport> fid = new ArrayList<>();
    for (String f : files) {
      fid.add(Evaluator.evaluate(c.fp32(), f, c.eval(), 1, c.metrics(), CnnSuite::log));
    }
    log(c.name() + ": latency, " + files.size() + " models interleaved");
    List<LatencyStats> lat =
        SideBySide.measure(files, c.latencyInputs(), o, rounds, CnnSuite::log).stream()
            .map(SideBySide.Result::stats)
            .toList();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      EvalReport e = fid.get(i);
      Map<String, Double> metrics = new LinkedHashMap<>();
      for (MetricScore m : e.metrics()) {
        metrics.put(m.name(), m.candidate());
      }
      Double task = task(c, e);
      rows.add(
          new Row(
              c.name(),
              labels.get(i),
              files.get(i),
              Files.size(Path.of(files.get(i))),
              e.meanCosine(),
              e.minCosine(),
              perOutput(e),
              task,
              metrics,
              lat.get(i),
              lat.get(0).p50() / lat.get(i).p50()));
    }
    return rows;
  }

  /**
   * {@link OwnStability} of {@code c}'s fp32 model on its held-out data, if a float input can move.
   */
  private static Optional<OwnStability> stability(Case c) throws Exception {
    Optional<InputNoise> noise = InputNoise.of(c.eval());
    if (noise.isEmpty()) {
      return Optional.empty();
    }
    EvalReport e = Evaluator.stability(c.fp32(), noise.get(), 1, c.metrics(), CnnSuite::log);
    Double task = task(c, e);
    return Optional.of(
        new OwnStability(noise.get().describe(), e.meanCosine(), perOutput(e), task));
  }

  /** Runs {@code --method auto} within {@code bound}; adds its label and file. */
  private static void search(
      Case c,
      Path out,
      Bound bound,
      String boundLabel,
      int maxTrials,
      List<String> labels,
      List<String> files)
      throws Exception {
    log(c.name() + ": searching (auto, " + bound.kind() + " " + bound.value() + ")");
    // The search times its trials on the inputs this suite times every row on (one sample).
    CompressRequest.Builder req =
        request(c, out)
            .optBound(bound)
            .optSearch(new CompressRequest.SearchBudget(maxTrials, Duration.ofMinutes(15)));
    c.latencyInputs().forEach(t -> req.optShape(t.name(), t.shape()));
    CompressReport auto = CompressWorkflow.run(req.build(), CnnSuite::log);
    var s = auto.search();
    String kept =
        s.trials().stream()
            .filter(t -> t.number() == s.chosen())
            .map(t -> t.config())
            .findFirst()
            .orElse(auto.method());
    // The kept-in-fp32 list can be long: results.json has the report's path, the table a summary.
    labels.add("auto (" + boundLabel + kept.replaceAll(" \\(.*\\)$", "") + ")");
    files.add(auto.output().path());
  }

  /**
   * The goals for one model: the best variant within the cosine bound at least {@value
   * #SPEEDUP_GOAL}× fp32 (the real CNNs only), and auto no slower than the best fixed recipe within
   * the same bound (the 95% CIs of their medians overlap, or auto's lies lower); on the real models
   * the same for the search bounded by their task metric.
   */
  private static Map<String, Boolean> goals(Case c, List<Row> rows) {
    Map<String, Boolean> g = new LinkedHashMap<>();
    Row stat = rows.get(1);
    List<Row> fixed = rows.subList(0, 3);
    Row auto = rows.get(3);
    if (c.real()) {
      g.put(
          c.name() + ": " + Method.INT8_STATIC.label() + " >= 1.5x fp32 at cosine >= 0.99",
          stat.speedup() >= SPEEDUP_GOAL && stat.meanCosine() >= MIN_COSINE);
      g.put(
          c.name() + ": auto >= 1.5x fp32 at cosine >= 0.99",
          auto.speedup() >= SPEEDUP_GOAL && auto.meanCosine() >= MIN_COSINE);
    }
    Row best = fastest(fixed, r -> r.meanCosine() >= MIN_COSINE);
    g.put(
        c.name() + ": auto not slower than the best fixed recipe in bound (" + best.variant() + ")",
        notSlower(auto, best));
    if (c.real()) {
      Row inTask = fastest(fixed, r -> r.task() != null && 1 - r.task() <= MAX_TASK_DROP);
      g.put(
          c.name()
              + ": auto ("
              + c.task().name()
              + " bound) not slower than the best fixed recipe in that bound ("
              + inTask.variant()
              + ")",
          notSlower(rows.get(4), inTask));
    }
    return g;
  }

  /**
   * Whether {@code a} is not slower than {@code b}: slower means the 95% confidence interval of its
   * median lies wholly above {@code b}'s (a search that kept the input is the input, and two
   * sessions of one file differ by noise only).
   */
  private static boolean notSlower(Row a, Row b) {
    return a.latency().ciLow() <= b.latency().ciHigh();
  }

  /** The fastest of {@code rows} that {@code inBound} accepts; the first row (fp32) always is. */
  private static Row fastest(List<Row> rows, java.util.function.Predicate<Row> inBound) {
    Row best = rows.get(0);
    for (Row r : rows.subList(1, rows.size())) {
      if (inBound.test(r) && r.latency().p50() < best.latency().p50()) {
        best = r;
      }
    }
    return best;
  }

  /** The task check of {@code e}: the real model's task metric, else labelled top-1 accuracy. */
  private static Double task(Case c, EvalReport e) {
    return c.real()
        ? e.metrics().stream()
            .filter(m -> m.name().equals(c.task().name()))
            .map(MetricScore::candidate)
            .findFirst()
            .orElse(null)
        : e.candidateAccuracy();
  }

  private static Map<String, Double> perOutput(EvalReport e) {
    Map<String, Double> out = new LinkedHashMap<>();
    e.outputs().forEach(o -> out.put(o.name(), o.meanCosine()));
    return out;
  }

  private static void print(Results r) {
    System.out.printf(
        Locale.ROOT,
        "CNN suite on %s (%d logical cores, int8 ISA %s), ONNX Runtime %s%n%s%n%n",
        r.host().cpuModel(),
        r.host().logicalCores(),
        r.int8Isa(),
        r.host().onnxRuntime(),
        r.settings());
    System.out.printf(
        Locale.ROOT,
        "%-18s %-46s %7s %8s %8s %-26s %8s %8s %17s %8s%n",
        "model",
        "variant",
        "size MB",
        "mean cos",
        "min cos",
        "per output mean cos",
        "heat cos",
        "task",
        "p50 ms (95% CI)",
        "speed-up");
    for (Row row : r.rows()) {
      System.out.printf(
          Locale.ROOT,
          "%-18s %-46s %7.2f %8.4f %8.4f %-26s %8s %8s %8.3f ±%6.3f %7.2fx%n",
          row.model(),
          row.variant(),
          row.bytes() / 1e6,
          row.meanCosine(),
          row.minCosine(),
          outputsText(row.outputCosines()),
          row.metrics().containsKey("mlsd-scores-cosine")
              ? String.format(Locale.ROOT, "%.4f", row.metrics().get("mlsd-scores-cosine"))
              : "-",
          row.task() == null ? "-" : String.format(Locale.ROOT, "%.4f", row.task()),
          row.latency().p50(),
          (row.latency().ciHigh() - row.latency().ciLow()) / 2,
          row.speedup());
    }
    System.out.println();
    r.taskChecks().forEach((k, v) -> System.out.printf(Locale.ROOT, "task %s: %s%n", k, v));
    r.stability()
        .forEach(
            (k, v) ->
                System.out.printf(
                    Locale.ROOT,
                    "stability %s: fp32 against itself, float inputs moved %s: mean cos %.4f (%s),"
                        + " task %s%n",
                    k,
                    v.inputsMoved(),
                    v.meanCosine(),
                    outputsText(v.outputCosines()),
                    v.task() == null ? "-" : String.format(Locale.ROOT, "%.4f", v.task())));
    System.out.println();
    r.goals()
        .forEach((k, v) -> System.out.printf(Locale.ROOT, "%-90s %s%n", k, v ? "PASS" : "FAIL"));
  }

  private static String outputsText(Map<String, Double> cos) {
    if (cos.isEmpty()) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    cos.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s %.4f", k, v)));
    return String.join(" ", parts);
  }

  private static void log(String line) {
    System.err.println(line);
  }
}
