package dev.infercost.benchmarks;

import dev.infercost.gate.Gate;
import dev.infercost.gate.GateReport;
import dev.infercost.gate.Thresholds;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.workflows.BenchWorkflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Does the gate flap, and does it catch a small regression? Two designs side by side, on MiniLM-L6
 * fp32 at sequence length 128, one thread, the default thresholds (5% on latency and cost):
 *
 * <ul>
 *   <li><b>unpaired</b> (a results file against a baseline file from an earlier run): a baseline
 *       run, then {@code --runs} A/A runs of the same model (every failure is a false alarm) and
 *       {@code --runs} runs of a copy with 10% more MACs (every pass is a missed regression);
 *   <li><b>paired</b> (the suite entry names the baseline model, and bench times both in ABBA
 *       rounds of single inferences in one process): the same A/A and +10% runs, judged by the
 *       per-round ratios.
 * </ul>
 *
 * The A/A and regressed runs alternate, so both designs see the same drift of the machine. Every
 * run's paired ratio is printed, so the slowdown that 10% more MACs really caused is measured too.
 *
 * <p>How to run: {@code benchmarks/gate-flap [--runs 20] [--samples 60]}.
 */
public final class GateFlapSuite {
  private GateFlapSuite() {}

  private static final Map<String, long[]> SHAPES =
      Map.of(
          "input_ids", new long[] {1, 128},
          "attention_mask", new long[] {1, 128},
          "token_type_ids", new long[] {1, 128});

  public static void main(String[] args) throws Exception {
    int runs = 20;
    int samples = 60;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        case "--samples" -> samples = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path dir = Path.of("benchmarks", "target", "gate-flap").toAbsolutePath();
    Files.createDirectories(dir);
    String fp32 = Models.resolve("minilm-l6", ModelFormat.ONNX).toString();
    Path slower = dir.resolve("minilm-l6.plus10pct.onnx");
    Files.deleteIfExists(slower);
    long[] macs = ExtraWork.write(Path.of(fp32), SHAPES, 0.10, slower);
    log(String.format(Locale.ROOT, "MACs %d -> %d (+10%%): %s", macs[0], macs[1], slower));

    Design unpaired =
        new Design(
            "unpaired",
            suite(dir.resolve("same.yaml"), fp32, null, samples),
            suite(dir.resolve("slower.yaml"), slower.toString(), null, samples),
            dir);
    Design paired =
        new Design(
            "paired",
            suite(dir.resolve("same-paired.yaml"), fp32, fp32, samples),
            suite(dir.resolve("slower-paired.yaml"), slower.toString(), fp32, samples),
            dir);
    List<Design> designs = List.of(unpaired, paired);
    for (Design d : designs) {
      BenchWorkflow.run(d.same, d.baseline, s -> {});
    }
    for (int i = 0; i < runs; i++) {
      StringBuilder line = new StringBuilder("run " + (i + 1) + ":");
      for (Design d : designs) {
        GateReport aa = d.gate(dir.resolve(d.name + "-aa-" + i + ".json"), d.same);
        GateReport slow = d.gate(dir.resolve(d.name + "-slower-" + i + ".json"), d.slower);
        if (!aa.passed()) {
          d.falseAlarms.add("run " + (i + 1) + ": " + aa.headline());
        }
        // Caught by timing: the +10% copy also grows in MACs and size, which the deterministic
        // rows catch whatever the timings say; only the latency row tests the timing design.
        if (latencyFailed(slow)) {
          d.caught++;
        }
        line.append(
            String.format(
                Locale.ROOT,
                " %s A/A %s (ratio %.3f), +10%% %s (ratio %.3f);",
                d.name,
                aa.passed() ? "pass" : "FALSE ALARM",
                latencyRatio(aa),
                latencyFailed(slow) ? "caught" : "MISSED",
                latencyRatio(slow)));
        if (d == paired) {
          d.ratios.add(latencyRatio(slow));
        }
      }
      log(line.toString());
    }
    System.out.printf(
        Locale.ROOT,
        "gate flap suite: MiniLM-L6 fp32, seq 128, 1 thread, %d runs per design, %d samples per"
            + " entry, default thresholds (5%%)%n",
        runs,
        samples);
    System.out.printf(
        Locale.ROOT,
        "%-9s %-22s %-30s%n",
        "design",
        "A/A false alarms",
        "+10% MACs caught by latency");
    for (Design d : designs) {
      System.out.printf(
          Locale.ROOT,
          "%-9s %-22s %-30s%n",
          d.name,
          d.falseAlarms.size() + " of " + runs + " (goal 0)",
          d.caught + " of " + runs + " (goal " + runs + ")");
    }
    double[] r = paired.ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    System.out.printf(
        Locale.ROOT,
        "slowdown the +10%% MACs caused, paired ratio per run: median %.3f, min %.3f, max %.3f%n",
        r[r.length / 2],
        r[0],
        r[r.length - 1]);
    designs.forEach(
        d -> d.falseAlarms.forEach(s -> System.out.println("  " + d.name + " false alarm: " + s)));
  }

  /** One gate design: its suites, its baseline file and its counts. */
  private static final class Design {
    final String name;
    final Path same;
    final Path slower;
    final Path baseline;
    final List<String> falseAlarms = new ArrayList<>();
    int caught;
    final List<Double> ratios = new ArrayList<>();

    Design(String name, Path same, Path slower, Path dir) {
      this.name = name;
      this.same = same;
      this.slower = slower;
      this.baseline = dir.resolve(name + "-baseline.json");
    }

    GateReport gate(Path results, Path suite) throws Exception {
      BenchWorkflow.run(suite, results, s -> {});
      return Gate.compare(results, baseline, Thresholds.DEFAULTS);
    }
  }

  private static boolean latencyFailed(GateReport r) {
    return r.comparisons().stream()
        .anyMatch(c -> c.metric().equals("latency.p50") && c.verdict() == GateReport.Verdict.FAIL);
  }

  /** The latency row's worse-ratio (above 1: slower). */
  private static double latencyRatio(GateReport r) {
    return r.comparisons().stream()
        .filter(c -> c.metric().equals("latency.p50"))
        .findFirst()
        .map(c -> c.ratio() == null ? Double.NaN : c.ratio())
        .orElse(Double.NaN);
  }

  private static Path suite(Path file, String model, String baseline, int samples)
      throws Exception {
    String yaml =
        "schema: 1\nthreads: 1\nsamples: "
            + samples
            + "\nminSeconds: 1.0\nhardware: [aws-c6a.large]\nentries:\n"
            + "  - name: minilm-l6/fp32\n    model: "
            + model
            + (baseline == null ? "" : "\n    baseline: " + baseline)
            + "\n    shapes: {input_ids: [1, 128], attention_mask: [1, 128], token_type_ids: [1,"
            + " 128]}\n";
    return Files.writeString(file, yaml);
  }

  private static void log(String s) {
    System.err.println(s);
  }
}
