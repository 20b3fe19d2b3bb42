package dev.infercost.workflows;

import dev.infercost.base.Hashes;
import dev.infercost.base.InfercostException;
import dev.infercost.compress.CompressResult;
import dev.infercost.compress.Compressor;
import dev.infercost.compress.CpuFeatures;
import dev.infercost.models.BuiltinModel;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Tensor;
import dev.infercost.models.TensorSpec;
import dev.infercost.profile.DataException;
import dev.infercost.profile.EvalData;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.Evaluator;
import dev.infercost.profile.HostInfo;
import dev.infercost.profile.LatencyStats;
import dev.infercost.profile.ProfileOptions;
import dev.infercost.profile.SideBySide;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code compress}: quantize, save, evaluate against the input on held-out data, profile both,
 * check the bound, and write {@code report.json} and {@code report.md}. The compressed model is
 * written even when the bound is not met; the report says why.
 */
public final class CompressWorkflow {
  /** File names inside the output folder. */
  public static final String MODEL_FILE = "model.int8.onnx";

  public static final String QDQ_FILE = "model.int8-qdq.onnx";

  public static final String REPORT_JSON = "report.json";
  public static final String REPORT_MD = "report.md";

  private CompressWorkflow() {}

  public static CompressReport run(CompressRequest req, Consumer<String> progress)
      throws InfercostException {
    Path input = Models.resolve(req.model(), ModelFormat.ONNX);
    Path outDir = Reports.outDir(req.outDir());
    boolean qdq = req.method().equals(CompressRequest.INT8_QDQ);
    Path output = outDir.resolve(qdq ? QDQ_FILE : MODEL_FILE);
    OnnxModel model = Models.loadOnnx(input);
    List<TensorSpec> specs = model.info(java.util.Map.of()).inputs();
    Optional<BuiltinModel> builtin = Models.builtin(req.model());
    Optional<Path> tokenizer =
        req.tokenizer().isPresent() ? req.tokenizer() : Evaluator.builtinTokenizer(req.model());

    DataPlan plan = planData(req, builtin, specs, tokenizer);
    progress.accept(
        "compressing "
            + input.getFileName()
            + " ("
            + req.method()
            + ", calibration: "
            + plan.calibrationSource()
            + ")");
    long t0 = System.nanoTime();
    CompressResult result =
        qdq
            ? Compressor.quantizeStatic(model, req.quant(), plan.calibration())
            : Compressor.quantizeDynamic(model, req.quant(), plan.calibration());
    double seconds = (System.nanoTime() - t0) / 1e9;
    Models.saveOnnx(result.model(), output);
    progress.accept(String.format(java.util.Locale.ROOT, "wrote %s (%.1f s)", output, seconds));

    EvalReport fidelity = null;
    if (plan.evaluation() != null) {
      fidelity =
          Evaluator.evaluate(
              input.toString(), output.toString(), plan.evaluation(), req.threads(), progress);
    }
    CompressReport.Latency latency = req.measure() ? latency(req, input, output, progress) : null;
    CompressReport.BoundResult bound = null;
    if (req.bound().isPresent()) {
      Bound b = req.bound().get();
      Bound.Check c =
          fidelity == null
              ? new Bound.Check(false, Double.NaN, "not evaluated: no data; pass --data")
              : b.check(fidelity);
      bound = new CompressReport.BoundResult(b.kind(), b.value(), c.met(), c.reason());
    }
    CompressReport report =
        new CompressReport(
            Reports.SCHEMA,
            "compress",
            facts(input),
            facts(output),
            req.method(),
            result.options(),
            CpuFeatures.int8InstructionSet(),
            result.passes().stream().map(CompressReport.PassSummary::of).toList(),
            seconds,
            (double) Reports.size(output) / Reports.size(input),
            latency,
            fidelity,
            plan.calibrationSource(),
            bound,
            HostInfo.current());
    Reports.writeJson(outDir.resolve(REPORT_JSON), report);
    Reports.writeText(outDir.resolve(REPORT_MD), CompressMarkdown.render(report));
    return report;
  }

  /**
   * Calibration batches and evaluation data, disjoint.
   *
   * @param calibration model-input batches for calibration (may be empty)
   * @param calibrationSource where they came from
   * @param evaluation held-out data, or {@code null}
   */
  record DataPlan(List<List<Tensor>> calibration, String calibrationSource, EvalData evaluation) {}

  static DataPlan planData(
      CompressRequest req,
      Optional<BuiltinModel> builtin,
      List<TensorSpec> specs,
      Optional<Path> tokenizer)
      throws InfercostException {
    Optional<Path> evalPath = req.data();
    if (evalPath.isEmpty() && builtin.isPresent() && builtin.get().testDataResource().isPresent()) {
      evalPath =
          Optional.of(Models.builtinFile(builtin.get(), builtin.get().testDataResource().get()));
    }
    Optional<Path> calibPath = req.calibrationData();
    if (calibPath.isEmpty()
        && req.data().isEmpty()
        && builtin.isPresent()
        && builtin.get().calibrationDataResource().isPresent()) {
      calibPath =
          Optional.of(
              Models.builtinFile(builtin.get(), builtin.get().calibrationDataResource().get()));
    }
    EvalData eval = evalPath.isEmpty() ? null : EvalData.load(evalPath.get(), specs, tokenizer);
    if (calibPath.isPresent()) {
      EvalData calib = EvalData.load(calibPath.get(), specs, tokenizer);
      return new DataPlan(
          calib.firstBatches(req.calibrationSamples()).batches(), calibPath.get().toString(), eval);
    }
    if (eval == null) {
      return new DataPlan(List.of(), "none", null);
    }
    // One data set: its first part calibrates, the rest evaluates, so the two never overlap.
    int n = eval.batches().size();
    if (n < 2) {
      throw new DataException(
          evalPath.get()
              + ": too little data to split into calibration and evaluation; pass --calib-data");
    }
    int k = Math.min(req.calibrationSamples(), n / 2);
    return new DataPlan(
        eval.batches().subList(0, k), evalPath.get() + " (first " + k + " batches)", eval.drop(k));
  }

  private static CompressReport.Latency latency(
      CompressRequest req, Path before, Path after, Consumer<String> progress)
      throws InfercostException {
    ProfileOptions o =
        ProfileOptions.builder()
            .optThreads(req.threads())
            .optWarmup(10, 0)
            .optSampling(10, 2_000, 120_000)
            .build();
    List<Tensor> inputs =
        SideBySide.syntheticInputs(
            before.toString(), req.shapes(), n -> progress.accept("note: " + n));
    List<LatencyStats> s =
        SideBySide.measure(List.of(before.toString(), after.toString()), inputs, o, 8, progress)
            .stream()
            .map(SideBySide.Result::stats)
            .toList();
    Map<String, List<Long>> shapes = new LinkedHashMap<>();
    inputs.forEach(t -> shapes.put(t.name(), Arrays.stream(t.shape()).boxed().toList()));
    return new CompressReport.Latency(
        "measured on this host, interleaved (8 rounds), " + req.threads() + " thread(s)",
        req.threads(),
        shapes,
        s.get(0),
        s.get(1),
        s.get(1).p50() / s.get(0).p50());
  }

  private static CompressReport.FileFacts facts(Path p) throws InfercostException {
    return new CompressReport.FileFacts(p.toString(), Reports.size(p), Hashes.sha256(p));
  }
}
