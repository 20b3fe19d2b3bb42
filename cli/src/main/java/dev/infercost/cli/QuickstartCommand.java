package dev.infercost.cli;

import dev.infercost.models.ModelFormat;
import dev.infercost.models.ModelInfo;
import dev.infercost.models.Models;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.HostInfo;
import dev.infercost.profile.LatencyStats;
import dev.infercost.profile.ProfileOptions;
import dev.infercost.profile.SideBySide;
import dev.infercost.workflows.Bound;
import dev.infercost.workflows.ChooseReport;
import dev.infercost.workflows.ChooseRequest;
import dev.infercost.workflows.ChooseWorkflow;
import dev.infercost.workflows.CompressReport;
import dev.infercost.workflows.CompressRequest;
import dev.infercost.workflows.CompressWorkflow;
import dev.infercost.workflows.Method;
import dev.infercost.workflows.ModelRef;
import dev.infercost.workflows.Reports;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code infercost quickstart}: the whole flow on the built-in models, in about a minute. */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole flow on the built-in models in about a minute.",
      "Inspects and profiles digits-cnn and minilm-l6, compresses minilm-l6 to int8 and shows fp32",
      "and int8 side by side (fidelity on held-out sentences, latency measured interleaved); then",
      "chooses the cheapest variant x hardware for digits-cnn within 1%% accuracy drop, priced",
      "against the built-in catalog (measured on this host's entry, estimated elsewhere)."
    })
final class QuickstartCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Where everything goes: DIR/minilm-l6-int8 (the int8 model and its report) and"
              + " DIR/choose-digits-cnn (the choose report); default: a quickstart folder in the"
              + " cache.")
  Path out;

  /** One model in the quickstart table. */
  record Row(
      String model,
      String variant,
      long fileBytes,
      long parameters,
      Long macs,
      LatencyStats latency,
      Double meanCosine,
      Double nnAgreement) {}

  /** What {@code --json} prints. */
  record Summary(
      String host,
      int threads,
      List<Row> models,
      String int8Report,
      int chooseThreads,
      ChooseReport choose) {}

  @Override
  public Integer call() throws Exception {
    Progress progress = new Progress(spec.commandLine().getErr(), common.quiet);
    List<Row> rows = new ArrayList<>();
    ProfileOptions o =
        ProfileOptions.builder().optThreads(1).optWarmup(10, 0).optSampling(10, 0, 60_000).build();

    Map<String, long[]> digitShape = Map.of("input", new long[] {1, 1, 8, 8});
    String digits = Models.resolve("digits-cnn", ModelFormat.ONNX).toString();
    progress.accept("inspecting digits-cnn");
    ModelInfo d = Models.loadOnnx(Path.of(digits)).info(digitShape);
    LatencyStats dl =
        SideBySide.measure(
                List.of(digits),
                SideBySide.syntheticInputs(digits, digitShape, s -> {}),
                o,
                5,
                progress)
            .get(0)
            .stats();
    rows.add(
        new Row(
            "digits-cnn",
            Method.FP32.label(),
            d.fileBytes(),
            d.parameters(),
            d.macs(),
            dl,
            null,
            null));

    Map<String, long[]> seq = new LinkedHashMap<>();
    for (String in : List.of("input_ids", "attention_mask", "token_type_ids")) {
      seq.put(in, new long[] {1, 128});
    }
    String fp32 = Models.resolve("minilm-l6", ModelFormat.ONNX).toString();
    ModelInfo m = Models.loadOnnx(Path.of(fp32)).info(seq);
    Path root = out != null ? out : Models.cacheDir().resolve("quickstart");
    Path dir = root.resolve("minilm-l6-int8");
    CompressReport c =
        CompressWorkflow.run(
            CompressRequest.builder(ModelRef.resolve("minilm-l6"), dir).optMeasure(false).build(),
            progress);
    ModelInfo q = Models.loadOnnx(Path.of(c.output().path())).info(seq);
    List<LatencyStats> ml =
        SideBySide.measure(
                List.of(fp32, c.output().path()),
                SideBySide.syntheticInputs(fp32, seq, s -> {}),
                o,
                6,
                progress)
            .stream()
            .map(SideBySide.Result::stats)
            .toList();
    EvalReport f = c.fidelity();
    rows.add(
        new Row(
            "minilm-l6",
            Method.FP32.label(),
            m.fileBytes(),
            m.parameters(),
            m.macs(),
            ml.get(0),
            null,
            null));
    rows.add(
        new Row(
            "minilm-l6",
            "int8",
            q.fileBytes(),
            q.parameters(),
            q.macs(),
            ml.get(1),
            f.meanCosine(),
            f.nnAgreement()));
    Path chooseDir = root.resolve("choose-digits-cnn");
    ChooseReport choice = choose(chooseDir, progress);
    progress.clear();

    String host = HostInfo.current().cpuModel();
    PrintWriter w = spec.commandLine().getOut();
    String report = dir.resolve(Reports.MARKDOWN_FILE).toString();
    if (common.json) {
      Json.print(
          w,
          new Summary(host, 1, rows, report, Runtime.getRuntime().availableProcessors(), choice));
      return ExitCodes.OK;
    }
    w.println(
        "infercost quickstart on "
            + host
            + ": ONNX Runtime, CPU, 1 thread, batch 1 (MiniLM: 128 tokens)");
    Table t =
        new Table(
            "model",
            "variant",
            "size",
            "params",
            "MACs",
            "p50 ms",
            "95% CI",
            "p99 ms",
            "cos vs fp32",
            "NN agree");
    for (Row r : rows) {
      t.row(
          r.model(),
          r.variant(),
          Table.bytes(r.fileBytes()),
          Table.count(r.parameters()),
          r.macs() == null ? "unknown" : Table.count(r.macs()),
          Table.ms(r.latency().p50()),
          Table.ms(r.latency().ciLow()) + "-" + Table.ms(r.latency().ciHigh()),
          Table.ms(r.latency().p99()),
          r.meanCosine() == null ? "" : String.format(Locale.ROOT, "%.4f", r.meanCosine()),
          r.nnAgreement() == null ? "" : String.format(Locale.ROOT, "%.3f", r.nnAgreement()));
    }
    t.print(w);
    w.printf(
        Locale.ROOT,
        "int8 vs fp32: %.2fx the speed, %.2fx the size; fidelity on %d held-out sentences. Report: %s%n",
        ml.get(0).p50() / ml.get(1).p50(),
        (double) q.fileBytes() / m.fileBytes(),
        f.samples(),
        report);
    w.println();
    w.println(
        "infercost choose digits-cnn --max-accuracy-drop 0.01 (every variant, built-in catalog):");
    ChooseCommand.print(w, choice, 5);
    w.println("choose report: " + chooseDir.resolve(Reports.MARKDOWN_FILE));
    w.println(
        "next: infercost compress MODEL --out DIR; infercost choose MODEL --min-cosine 0.99;"
            + " infercost --help");
    w.flush();
    return ExitCodes.OK;
  }

  /** The whole choose flow on digits-cnn: every variant, batch 1 and 8, the built-in catalog. */
  private static ChooseReport choose(Path out, Progress progress) throws Exception {
    ChooseRequest req =
        ChooseRequest.builder(ModelRef.resolve("digits-cnn"), Bound.maxAccuracyDrop(0.01))
            .optP99Ms(10)
            .optBatches(List.of(1, 8))
            .optOutDir(out)
            .build();
    return ChooseWorkflow.run(req, progress);
  }
}
