package dev.infercost.benchmarks;

import dev.infercost.gate.Gate;
import dev.infercost.gate.GateReport;
import dev.infercost.gate.Thresholds;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.workflows.BenchWorkflow;
import dev.infercost.workflows.CompressRequest;
import dev.infercost.workflows.CompressWorkflow;
import dev.infercost.workflows.ModelRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Does the gate flap, and does it catch regressions? Benches MiniLM-L6 int8 once as the baseline,
 * then {@code --runs} more times unchanged (A/A: every failure is a false alarm) and {@code --runs}
 * times with the fp32 model in the int8 entry's place (every pass is a missed regression), each
 * gated with the default thresholds (5% on latency and cost).
 *
 * <p>How to run: {@code benchmarks/gate-flap [--runs 20] [--samples 60]} (~10 minutes at 20).
 */
public final class GateFlapSuite {
  private GateFlapSuite() {}

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
    log("compressing minilm-l6");
    String int8 =
        CompressWorkflow.run(
                CompressRequest.builder(ModelRef.resolve("minilm-l6"), dir.resolve("int8"))
                    .optMeasure(false)
                    .build(),
                GateFlapSuite::log)
            .output()
            .path();
    String fp32 = Models.resolve("minilm-l6", ModelFormat.ONNX).toString();
    Path good = suite(dir.resolve("good.yaml"), int8, samples);
    Path bad = suite(dir.resolve("regressed.yaml"), fp32, samples);
    Path baseline = dir.resolve("baseline.json");
    BenchWorkflow.run(good, baseline, s -> {});
    List<String> aa = new ArrayList<>();
    List<String> caught = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      Path a = dir.resolve("aa-" + i + ".json");
      BenchWorkflow.run(good, a, s -> {});
      GateReport ra = Gate.compare(a, baseline, Thresholds.DEFAULTS);
      if (!ra.passed()) {
        aa.add(a + ": " + ra.headline());
      }
      Path b = dir.resolve("regressed-" + i + ".json");
      BenchWorkflow.run(bad, b, s -> {});
      GateReport rb = Gate.compare(b, baseline, Thresholds.DEFAULTS);
      if (!rb.passed()) {
        caught.add(b.toString());
      }
      log(
          String.format(
              Locale.ROOT,
              "run %d: A/A %s, regressed %s",
              i + 1,
              ra.passed() ? "pass" : "FALSE ALARM",
              rb.passed() ? "MISSED" : "caught"));
    }
    System.out.printf(
        Locale.ROOT,
        "gate flap suite: MiniLM-L6 int8 baseline, %d runs each, %d samples per entry, default thresholds%n",
        runs,
        samples);
    System.out.printf(Locale.ROOT, "A/A false alarms:        %d of %d (goal 0)%n", aa.size(), runs);
    System.out.printf(
        Locale.ROOT,
        "regressions caught:      %d of %d (goal %d; fp32 in place of int8)%n",
        caught.size(),
        runs,
        runs);
    aa.forEach(s -> System.out.println("  false alarm: " + s));
  }

  private static Path suite(Path file, String model, int samples) throws Exception {
    String yaml =
        "schema: 1\nthreads: 1\nsamples: "
            + samples
            + "\nminSeconds: 1.0\nhardware: [aws-c6a.large]\nentries:\n"
            + "  - name: minilm-l6/int8\n    model: "
            + model
            + "\n    shapes: {input_ids: [1, 128], attention_mask: [1, 128], token_type_ids: [1, 128]}\n";
    return Files.writeString(file, yaml);
  }

  private static void log(String s) {
    System.err.println(s);
  }
}
