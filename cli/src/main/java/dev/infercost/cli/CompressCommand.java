package dev.infercost.cli;

import dev.infercost.base.Fmt;
import dev.infercost.compress.NodeFilter;
import dev.infercost.compress.QuantOptions;
import dev.infercost.cost.Catalog;
import dev.infercost.models.SparsityOptions;
import dev.infercost.profile.TaskMetrics;
import dev.infercost.workflows.CompressReport;
import dev.infercost.workflows.CompressRequest;
import dev.infercost.workflows.CompressWorkflow;
import dev.infercost.workflows.HtmlReport;
import dev.infercost.workflows.Method;
import dev.infercost.workflows.Recipe;
import dev.infercost.workflows.Reports;
import dev.infercost.workflows.Search;
import dev.infercost.workflows.Target;
import dev.infercost.workflows.TargetGpuReport;
import dev.infercost.workflows.TargetGpuWorkflow;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code infercost compress}: int8 quantization with a fidelity report. */
@Command(
    name = "compress",
    mixinStandardHelpOptions = true,
    description = {
      "Quantize a model to int8 and report what it costs in fidelity and gains in size and speed.",
      "Evaluates the int8 model against the input on held-out data, profiles both, and writes",
      "model.int8.onnx, report.json and report.md into --out."
    })
final class CompressCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin PreprocessOptions preprocess;
  @Mixin MetricOptions metrics;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "MODEL", description = "ONNX model file or built-in name.")
  String model;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @Option(
      names = "--html",
      description = "Also write report.html into --out: verdict, size and latency charts, passes.")
  boolean html;

  @Option(
      names = "--method",
      converter = MethodChoice.Converter.class,
      description =
          "int8-dynamic (default): int8 weights, activations quantized per call, for CPU integer"
              + " kernels. int8-qdq: static int8 in QDQ form (calibrated activation scales) for"
              + " GPU int8 tensor cores via TensorRT. int8-static: static int8 for CPUs"
              + " (calibrated uint8 activations; Conv, MatMul, Gemm, Add, pooling run in ONNX"
              + " Runtime's integer kernels). auto: search for the fastest variant on"
              + " --target that meets --max-accuracy-drop or --min-cosine.")
  MethodChoice method = new MethodChoice(Method.INT8_DYNAMIC);

  @Option(
      names = "--prune",
      paramLabel = "R",
      description =
          "Structured pruning first: remove this fraction (0, 0.95] of the prunable MACs"
              + " (encoder FFN neurons and attention heads, or Conv channels), calibrated and"
              + " re-fitted on the calibration data; combines with every --method (none: pruning"
              + " alone).")
  Double prune;

  @Option(
      names = "--sparsity",
      paramLabel = "S",
      description =
          "Zero this fraction [0, 1) of the MatMul/Gemm/Conv weights first (no faster on dense"
              + " kernels; smaller when zipped); combines with every --method.")
  Double sparsity;

  @Option(
      names = "--sparsity-pattern",
      paramLabel = "PATTERN",
      defaultValue = "unstructured",
      description = "unstructured (default) or 2:4 (NVIDIA sparse tensor cores; needs 0.5).")
  String sparsityPattern;

  @Option(
      names = "--target",
      paramLabel = "ID",
      description =
          "Hardware the model is for: a catalog id (see 'infercost hardware') or host (default)."
              + " Decides the int8 weight range (7-bit on x86 CPUs without VNNI) and, with"
              + " --method auto, the candidates (GPU: int8-qdq and fp16).")
  String target;

  @Mixin SearchOptions search;

  @Option(
      names = "--data",
      paramLabel = "DATA",
      description =
          "Held-out data: .npz/.npy (or a folder), .csv, .txt (one sentence per line), labelled sentences or pairs (.csv/.tsv with a text and a label column, or .jsonl), or a folder of PNG/JPEG images. Without --calib-data its first part calibrates and the rest evaluates.")
  Path data;

  @Option(
      names = "--calib-data",
      paramLabel = "DATA",
      description = "Calibration data, disjoint from --data.")
  Path calibData;

  @Option(
      names = "--calib-samples",
      defaultValue = "100",
      description = "Most calibration batches (default ${DEFAULT-VALUE}).")
  int calibSamples;

  @ArgGroup(exclusive = true)
  BoundOptions bound;

  @Option(
      names = "--include",
      split = ",",
      paramLabel = "NODE|OP|re:REGEX",
      description =
          "Only quantize these nodes: node names as report.json gives them (OpType->output for"
              + " a node without a name), op types, or re:REGEX over node names.")
  List<String> include = new ArrayList<>();

  @Option(
      names = "--exclude",
      split = ",",
      paramLabel = "NODE|OP|re:REGEX",
      description = "Never quantize these nodes (the same forms as --include).")
  List<String> exclude = new ArrayList<>();

  @Option(
      names = "--per-tensor",
      description = "One weight scale per tensor instead of per output channel.")
  boolean perTensor;

  @Option(
      names = "--reduce-range",
      paramLabel = "auto|on|off",
      defaultValue = "auto",
      converter = Choices.ReduceRanges.class,
      completionCandidates = Choices.ReduceRanges.class,
      description = "7-bit weights; auto = on for CPUs without VNNI (default ${DEFAULT-VALUE}).")
  Choices.ReduceRange reduceRange;

  @Option(
      names = "--smooth",
      paramLabel = "auto|off|ALPHA",
      defaultValue = "auto",
      converter = Choices.Smoothings.class,
      completionCandidates = Choices.Smoothings.class,
      description = "SmoothQuant scale migration strength (default ${DEFAULT-VALUE}).")
  double smooth;

  @Option(names = "--no-embeddings", description = "Keep Gather tables (embeddings) in float.")
  boolean noEmbeddings;

  @Option(
      names = "--threads",
      converter = ThreadsConverter.class,
      defaultValue = "1",
      description = "Threads for evaluation and profiling (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--shape",
      paramLabel = "NAME=DIMS",
      converter = Shapes.ShapeConverter.class,
      description =
          "Input shape the model is timed at (the report's latency and every --method auto"
              + " trial), e.g. input_ids=1x128 (repeatable; default: the data's median-size"
              + " batch).")
  List<Shapes.Shape> shapes = new ArrayList<>();

  @Option(names = "--no-profile", description = "Skip the latency measurement.")
  boolean noProfile;

  @Option(
      names = "--target-gpu",
      paramLabel = "NAME",
      description =
          "Build the GPU variants (fp32, fp16 with fp32 islands, int8-qdq where the GPU has int8"
              + " tensor cores) for this catalog GPU (t4, l4, a100: those with sourced peaks; a10g"
              + " and h100 have none and are refused without CUDA), measure them on CUDA or"
              + " project them, and compare with the best CPU option.")
  String targetGpu;

  @Override
  public Integer call() throws Exception {
    try (TaskMetrics found = metrics.open()) {
      return run(found);
    }
  }

  private int run(TaskMetrics found) throws Exception {
    CompressRequest req;
    try {
      Target t = target == null ? Target.host() : Target.of(Catalog.builtin(), target);
      QuantOptions q =
          new QuantOptions(
              new NodeFilter(include, exclude),
              !perTensor,
              reduceRange == Choices.ReduceRange.AUTO ? t.reducedRange() : reduceRange.enabled(),
              !noEmbeddings,
              smooth);
      CompressRequest.Builder b =
          CompressRequest.builder(preprocess.resolve(model), out)
              .optRecipe(
                  staged(Recipe.of(method.auto() ? Method.INT8_DYNAMIC : method.method(), q), q))
              .optTarget(t)
              .optCalibrationSamples(calibSamples)
              .optThreads(threads)
              .optMeasure(!noProfile)
              .optMetrics(metrics.set(found));
      if (data != null) {
        b.optData(data);
      }
      if (calibData != null) {
        b.optCalibrationData(calibData);
      }
      if (bound != null) {
        b.optBound(bound.toBound(metrics.chosen(found)));
      }
      Shapes.byInput(shapes).forEach(b::optShape);
      if (method.auto()) {
        b.optSearch(search.budget());
      }
      req = b.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (targetGpu != null) {
      return targetGpu(req);
    }
    Progress progress = new Progress(spec.commandLine().getErr(), common.quiet);
    CompressReport r = CompressWorkflow.run(req, progress);
    if (html) {
      Reports.writeText(out.resolve(Reports.HTML_FILE), HtmlReport.compress(r));
    }
    progress.clear();
    PrintWriter o = spec.commandLine().getOut();
    if (common.json) {
      Json.print(o, r);
    } else {
      print(o, r);
      o.println(
          "report   "
              + out.resolve(Reports.MARKDOWN_FILE)
              + (html ? ", " + out.resolve(Reports.HTML_FILE) : "")
              + " (and "
              + Reports.JSON_FILE
              + ")");
      o.flush();
    }
    if (r.unchanged()) {
      spec.commandLine().getErr().println("infercost compress: " + r.headline());
      spec.commandLine().getErr().flush();
      return ExitCodes.BOUND_NOT_MET;
    }
    return r.bound() != null && !r.bound().met() ? ExitCodes.BOUND_NOT_MET : ExitCodes.OK;
  }

  /** {@code r} behind the pruning and sparsity stages asked for. */
  private Recipe staged(Recipe r, QuantOptions q) {
    if (sparsity != null) {
      r =
          new Recipe.Sparse(
              SparsityOptions.builder(sparsity)
                  .optPattern(SparsityOptions.Pattern.parse(sparsityPattern))
                  .build(),
              r);
    }
    if (prune != null) {
      r = new Recipe.Pruned(prune, q.filter(), r);
    }
    return r;
  }

  private int targetGpu(CompressRequest req) throws Exception {
    Progress progress = new Progress(spec.commandLine().getErr(), common.quiet);
    TargetGpuReport r = TargetGpuWorkflow.run(req, targetGpu, progress);
    progress.clear();
    PrintWriter o = spec.commandLine().getOut();
    if (common.json) {
      Json.print(o, r);
      return ExitCodes.OK;
    }
    Table t =
        new Table(
            "variant", "hardware", "size", "cos vs fp32", "inf/s", "per 1M inferences", "how");
    for (var v : r.variants()) {
      var op = v.option();
      t.row(
          v.name(),
          r.gpu(),
          Table.bytes(v.bytes()),
          v.fidelity() == null
              ? "n/a"
              : String.format(Locale.ROOT, "%.5f", v.fidelity().meanCosine()),
          op == null ? "-" : String.format(Locale.ROOT, "%.1f", op.throughput()),
          op == null ? "-" : Fmt.usd(op.costPerMillionUsd()),
          op == null ? "not priced" : op.provenance().kind().toString().toLowerCase(Locale.ROOT));
    }
    if (r.bestCpu() != null) {
      var c = r.bestCpu();
      t.row(
          c.variant() + " (best CPU)",
          c.hardware(),
          "",
          "",
          String.format(Locale.ROOT, "%.1f", c.throughput()),
          Fmt.usd(c.costPerMillionUsd()),
          c.provenance().kind().toString().toLowerCase(Locale.ROOT));
    }
    t.print(o);
    r.notes().forEach(n -> o.println("note: " + n));
    o.println("report: " + out.resolve(Reports.MARKDOWN_FILE));
    o.flush();
    return ExitCodes.OK;
  }

  static void print(PrintWriter o, CompressReport r) {
    o.println(r.headline());
    if (r.nextStep() != null) {
      o.println("next     " + r.nextStep());
    }
    if (r.search() != null) {
      printSearch(o, r.search(), !r.search().verdict().equals(r.headline()));
    }
    o.println("wrote    " + r.output().path() + " (for " + r.target() + ")");
    r.calibrationHint().ifPresent(h -> o.println("note     " + h));
    o.println(
        "size     "
            + Table.bytes(r.input().bytes())
            + " -> "
            + Table.bytes(r.output().bytes())
            + String.format(Locale.ROOT, " (%.3fx)", r.sizeRatio())
            + String.format(
                Locale.ROOT, ", rewrite %.1f s, int8 ISA %s", r.compressSeconds(), r.int8Isa()));
    Table t = new Table("", "p50 ms", "95% CI", "p99 ms", "n");
    if (r.latency() != null) {
      var l = r.latency();
      t.row(
          "input",
          Table.ms(l.before().p50()),
          Table.ms(l.before().ciLow()) + "-" + Table.ms(l.before().ciHigh()),
          Table.ms(l.before().p99()),
          l.before().samples());
      t.row(
          r.method(),
          Table.ms(l.after().p50()),
          Table.ms(l.after().ciLow()) + "-" + Table.ms(l.after().ciHigh()),
          Table.ms(l.after().p99()),
          l.after().samples());
      t.print(o);
      o.println(
          String.format(
              Locale.ROOT,
              "latency  %s/input p50 ratio %.3f (%s)",
              r.method(),
              l.p50Ratio(),
              l.method()));
    }
    var e = r.fidelity();
    if (e != null) {
      StringBuilder s =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "fidelity mean cosine %.5f (min %.5f)",
                  e.meanCosine(),
                  e.minCosine()));
      if (e.nnAgreement() != null) {
        s.append(String.format(Locale.ROOT, ", nearest-neighbour agreement %.3f", e.nnAgreement()));
      }
      if (e.top1Agreement() != null) {
        s.append(String.format(Locale.ROOT, ", %s %.4f", e.agreementName(), e.top1Agreement()));
      }
      if (e.accuracyDrop() != null) {
        s.append(
            String.format(
                Locale.ROOT,
                ", %s %.4f -> %.4f",
                e.accuracyName(),
                e.referenceAccuracy(),
                e.candidateAccuracy()));
      }
      o.println(s.append(" on ").append(e.samples()).append(" samples"));
      for (var m : e.metrics()) {
        o.println(
            String.format(
                Locale.ROOT,
                "metric   %s %.6g -> %.6g (drop %.4g)",
                m.name(),
                m.reference(),
                m.candidate(),
                m.drop()));
      }
    }
    if (r.bound() != null) {
      o.println("bound    " + (r.bound().met() ? "met: " : "NOT met: ") + r.bound().reason());
    }
    o.flush();
  }

  /** The search's trials, and its verdict unless the headline already said it. */
  private static void printSearch(PrintWriter o, Search.Result s, boolean verdict) {
    Table t = new Table("#", "trial", "size", "loss", "bound", "inf/s", "vs input", "how");
    for (Search.Trial x : s.trials()) {
      t.row(
          (x.number() == s.chosen() ? "*" : "") + x.number(),
          x.config(),
          Table.bytes(x.bytes()),
          String.format(Locale.ROOT, "%.5f", x.loss()),
          x.rewritten() == 0 ? "unchanged" : x.met() ? "met" : "missed",
          x.speed() == null ? "-" : String.format(Locale.ROOT, "%.1f", x.speed().value()),
          x.speedup() == null ? "-" : String.format(Locale.ROOT, "%.2fx", x.speedup()),
          x.speed() == null
              ? "-"
              : x.speed().provenance().kind().toString().toLowerCase(Locale.ROOT));
    }
    t.print(o);
    if (verdict) {
      o.println(s.verdict());
    }
    if (!s.sensitivity().isEmpty()) {
      o.println("most sensitive layers (" + s.sensitivityMethod() + "):");
      s.sensitivity().stream()
          .limit(5)
          .forEach(
              l ->
                  o.println(
                      String.format(
                          Locale.ROOT,
                          "  %-40s %.6f (%s %.6f)",
                          l.node(),
                          l.boundLoss(),
                          s.sensitivityLoss(),
                          l.loss())));
    }
    o.println("pruning: " + s.pruning());
    o.println(String.format(Locale.ROOT, "search took %.1f s", s.seconds()));
  }
}
