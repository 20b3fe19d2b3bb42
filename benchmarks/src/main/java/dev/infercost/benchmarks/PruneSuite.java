package dev.infercost.benchmarks;

import dev.infercost.compress.NodeFilter;
import dev.infercost.compress.QuantOptions;
import dev.infercost.models.Models;
import dev.infercost.models.Tensor;
import dev.infercost.profile.HostInfo;
import dev.infercost.profile.LatencyStats;
import dev.infercost.profile.ProfileOptions;
import dev.infercost.profile.SideBySide;
import dev.infercost.workflows.CompressReport;
import dev.infercost.workflows.CompressRequest;
import dev.infercost.workflows.CompressWorkflow;
import dev.infercost.workflows.Method;
import dev.infercost.workflows.ModelRef;
import dev.infercost.workflows.Recipe;
import dev.infercost.workflows.Reports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pruning curve of an encoder, side by side in one run: fp32, int8-dynamic, and structured
 * pruning at each ratio alone and followed by int8-dynamic; MACs at 1×128 tokens, size, fidelity to
 * fp32 on the held-out sentences (mean/min cosine, nearest-neighbour agreement), p50 at 1 thread
 * and at every core (interleaved, synthetic 1×128 inputs), and the pruning time.
 *
 * <p>How to run: {@code benchmarks/prune-suite [--model minilm-l6|FILE.onnx] [--tokenizer FILE]
 * [--data FILE] [--calib-data FILE] [--ratios 0.1,0.3,0.5] [--rounds 8] [--samples 8]}; writes
 * {@code benchmarks/target/prune-suite/results.json}.
 */
public final class PruneSuite {
  private PruneSuite() {}

  record Row(
      String variant,
      long bytes,
      Long macs,
      Double meanCosine,
      Double minCosine,
      Double nnAgreement,
      double buildSeconds,
      Map<Integer, LatencyStats> latency) {}

  record Results(String host, String cpu, List<Row> rows, Map<String, Object> goals) {}

  public static void main(String[] args) throws Exception {
    String model = "minilm-l6";
    String tokenizer = null;
    String data = null;
    String calib = null;
    List<Double> ratios = List.of(0.1, 0.3, 0.5);
    int rounds = 8;
    int samples = 8;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--model" -> model = args[i + 1];
        case "--tokenizer" -> tokenizer = args[i + 1];
        case "--data" -> data = args[i + 1];
        case "--calib-data" -> calib = args[i + 1];
        case "--ratios" ->
            ratios = List.of(args[i + 1].split(",")).stream().map(Double::parseDouble).toList();
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--samples" -> samples = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path dir = Path.of("benchmarks", "target", "prune-suite").toAbsolutePath();
    Files.createDirectories(dir);
    ModelRef ref = ModelRef.resolve(model, java.util.Optional.ofNullable(tokenizer).map(Path::of));
    QuantOptions q = QuantOptions.defaults();
    List<Recipe> recipes = new ArrayList<>();
    recipes.add(new Recipe.Int8Dynamic(q));
    for (double r : ratios) {
      recipes.add(new Recipe.Pruned(r, NodeFilter.all(), new Recipe.Fp32()));
      recipes.add(new Recipe.Pruned(r, NodeFilter.all(), new Recipe.Int8Dynamic(q)));
    }
    Map<String, long[]> shapes = new LinkedHashMap<>();
    ref.inputs().forEach(s -> shapes.put(s.name(), new long[] {1, 128}));
    List<String> files = new ArrayList<>(List.of(ref.file().toString()));
    List<Row> rows = new ArrayList<>();
    rows.add(row(Method.FP32.label(), ref.file(), shapes, null, 0));
    for (Recipe r : recipes) {
      log("building " + r.label());
      CompressRequest.Builder b =
          CompressRequest.builder(ref, dir.resolve(r.label())).optRecipe(r).optMeasure(false);
      if (data != null) {
        b.optData(Path.of(data));
      }
      if (calib != null) {
        b.optCalibrationData(Path.of(calib));
      }
      CompressReport c = CompressWorkflow.run(b.build(), PruneSuite::log);
      files.add(c.output().path());
      rows.add(row(r.label(), Path.of(c.output().path()), shapes, c, c.compressSeconds()));
    }
    List<Tensor> inputs = SideBySide.syntheticInputs(ref.file().toString(), shapes, s -> {});
    int cores = Runtime.getRuntime().availableProcessors();
    for (int t : cores > 1 ? List.of(1, cores) : List.of(1)) {
      ProfileOptions o =
          ProfileOptions.builder()
              .optThreads(t)
              .optWarmup(10, 0)
              .optSampling(samples, 0, 600_000)
              .build();
      List<SideBySide.Result> lat = SideBySide.measure(files, inputs, o, rounds, PruneSuite::log);
      for (int i = 0; i < rows.size(); i++) {
        rows.get(i).latency().put(t, lat.get(i).stats());
      }
    }
    print(rows, cores);
    Map<String, Object> goals = goals(rows, ratios);
    goals.forEach((k, v) -> System.out.println(k + ": " + v));
    HostInfo h = HostInfo.current();
    Reports.writeJson(
        dir.resolve("results.json"),
        new Results(
            h.cpuModel() + " (" + h.logicalCores() + " logical CPUs)",
            String.join(
                " ",
                h.cpuFeatures().stream()
                    .filter(f -> f.contains("avx") || f.contains("vnni"))
                    .toList()),
            rows,
            goals));
  }

  private static Row row(
      String variant, Path file, Map<String, long[]> shapes, CompressReport c, double seconds)
      throws Exception {
    var info = Models.loadOnnx(file).info(shapes);
    return new Row(
        variant,
        Files.size(file),
        info.macs(),
        c == null ? 1.0 : c.fidelity().meanCosine(),
        c == null ? 1.0 : c.fidelity().minCosine(),
        c == null ? 1.0 : c.fidelity().nnAgreement(),
        seconds,
        new LinkedHashMap<>());
  }

  /** The goals: prune + int8 ≥ 1.3× int8 alone at mean cosine ≥ 0.99; pruning ≤ 60 s. */
  private static Map<String, Object> goals(List<Row> rows, List<Double> ratios) {
    Map<String, Object> g = new LinkedHashMap<>();
    Row int8 = rows.get(1);
    double best = 0;
    String which = "none";
    for (Row r : rows) {
      if (r.variant().startsWith("pruned-")
          && r.variant().contains("+")
          && r.meanCosine() >= 0.99) {
        double s = int8.latency().get(1).p50() / r.latency().get(1).p50();
        if (s > best) {
          best = s;
          which = r.variant();
        }
      }
    }
    g.put(
        "prune+int8 >= 1.3x int8 alone at mean cosine >= 0.99 (1 thread)",
        best >= 1.3
            ? "PASS (" + which + f(" %.2fx)", best)
            : "FAIL (best in bound: " + which + f(" %.2fx)", best));
    double slowest =
        rows.stream()
            .filter(r -> r.variant().startsWith("pruned-") && !r.variant().contains("+"))
            .mapToDouble(Row::buildSeconds)
            .max()
            .orElse(0);
    g.put(
        "pruning time <= 60 s",
        (slowest <= 60 ? "PASS" : "FAIL") + f(" (slowest %.1f s)", slowest));
    return g;
  }

  private static void print(List<Row> rows, int cores) {
    System.out.println(
        f(
            "%-28s %10s %14s %9s %9s %7s %10s %10s %9s",
            "variant",
            "MB",
            "MACs 1x128",
            "mean cos",
            "min cos",
            "NN",
            "p50 1t ms",
            "p50 " + cores + "t ms",
            "build s"));
    for (Row r : rows) {
      System.out.println(
          f(
              "%-28s %10.1f %14s %9.5f %9.4f %7.3f %10.3f %10.3f %9.1f",
              r.variant(),
              r.bytes() / 1e6,
              r.macs() == null ? "unknown" : String.format(Locale.ROOT, "%,d", r.macs()),
              r.meanCosine(),
              r.minCosine(),
              r.nnAgreement() == null ? Double.NaN : r.nnAgreement(),
              r.latency().get(1).p50(),
              r.latency().getOrDefault(cores, r.latency().get(1)).p50(),
              r.buildSeconds()));
    }
  }

  private static String f(String fmt, Object... a) {
    return String.format(Locale.ROOT, fmt, a);
  }

  private static void log(String s) {
    System.err.println(s);
  }
}
