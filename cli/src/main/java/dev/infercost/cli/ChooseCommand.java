package dev.infercost.cli;

import dev.infercost.cost.Optimizer;
import dev.infercost.cost.ProjectionCheck;
import dev.infercost.profile.TaskMetrics;
import dev.infercost.workflows.ChooseReport;
import dev.infercost.workflows.ChooseRequest;
import dev.infercost.workflows.ChooseVerdict;
import dev.infercost.workflows.ChooseWorkflow;
import dev.infercost.workflows.HtmlReport;
import dev.infercost.workflows.Method;
import dev.infercost.workflows.Reports;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code infercost choose}: the cheapest (variant, hardware) that meets the bounds. */
@Command(
    name = "choose",
    mixinStandardHelpOptions = true,
    description = {
      "Pick the cheapest (variant, hardware) pair that meets the accuracy bound and p99 objective.",
      "Searches, per hardware family (CPUs with 8-bit int8 dot products, CPUs needing 7-bit",
      "weights, GPUs), for the fastest variant within the bound (as compress --method auto), or",
      "builds the variants named by --methods; evaluates each, measures them on this host, prices",
      "every (variant, hardware, batch) where it was built for (measured here, projected",
      "elsewhere) and ranks them."
    })
final class ChooseCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin PreprocessOptions preprocess;
  @Mixin MetricOptions metrics;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "MODEL", description = "ONNX model file or built-in name.")
  String model;

  @Option(
      names = "--data",
      paramLabel = "DATA",
      description = "Evaluation data (built-in models bring theirs).")
  Path data;

  @ArgGroup(exclusive = true, multiplicity = "1")
  BoundOptions bound;

  @Option(
      names = "--p99-ms",
      defaultValue = "1000",
      description = "Latency objective per call in ms (default ${DEFAULT-VALUE}).")
  double p99Ms;

  @Option(
      names = "--qps",
      description =
          "Demand in inferences/s: ranks by the cost at that demand (whole replicas, idle capacity"
              + " included) and shows replicas and idle share.")
  Double qps;

  @Option(
      names = "--hardware",
      split = ",",
      paramLabel = "ID",
      description = "Catalog ids or aliases to consider (default: the whole catalog).")
  List<String> hardware = new ArrayList<>();

  @Option(
      names = "--hardware-catalog",
      paramLabel = "FILE",
      description = "Catalog JSON (\"extends\": \"builtin\" to add to the built-in one).")
  Path catalog;

  @Option(
      names = "--measured-on",
      paramLabel = "ID",
      description = "The catalog entry this host is, if it cannot be matched automatically.")
  String measuredOn;

  @Option(
      names = "--measurements",
      paramLabel = "DIR",
      description =
          "A folder of measurement files from other machines (profile --json, bench results;"
              + " repeatable): each is matched to a catalog entry by its host fingerprint and"
              + " checked against the variants' sha256, and its rows are priced as measured there.")
  List<Path> measurements = new ArrayList<>();

  @Option(
      names = "--methods",
      split = ",",
      converter = MethodConverter.class,
      completionCandidates = MethodConverter.Names.class,
      description =
          "Build these variants instead of searching (any of ${COMPLETION-CANDIDATES}): each once"
              + " per int8 weight range the hardware needs; fp16 is priced on GPUs only,"
              + " int8-dynamic and int8-static on CPUs only. Default: the automatic search per"
              + " hardware family.")
  List<Method> methods;

  @Mixin SearchOptions search;

  @Option(
      names = "--batch",
      split = ",",
      defaultValue = "1,8",
      description = "Batch sizes to measure (default ${DEFAULT-VALUE}).")
  List<Integer> batches;

  @Option(
      names = "--shape",
      paramLabel = "NAME=DIMS",
      converter = Shapes.ShapeConverter.class,
      description = "Input shape (dim 0 is set by --batch).")
  List<Shapes.Shape> shapes = new ArrayList<>();

  @Option(
      names = "--threads",
      converter = ThreadsConverter.class,
      description =
          "Intra-op threads of the priced measurements (default: every core of this host, so the"
              + " measured instance is used whole); above 1, variants are also measured at 1 thread"
              + " to fit the thread scaling of CPU projections.")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--prune",
      split = ",",
      paramLabel = "R",
      description =
          "A ladder of structured-pruning ratios, e.g. 0.1,0.3: every method is also built"
              + " pruned at each and priced.")
  List<Double> prune = new ArrayList<>();

  @Option(
      names = "--calibrate-projection",
      description =
          "Fit the CPU model's serial fraction and SMT gain to this host's measurements (1 thread"
              + " vs --threads threads, and vs --threads streams: one fit each) and project every"
              + " CPU with them; the report shows the projection errors before and after.")
  boolean calibrateProjection;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Write report.json and report.md here.")
  Path out;

  @Option(
      names = "--html",
      description =
          "Also write report.html into --out: the verdict, the cost-accuracy front and the"
              + " sensitivity as a tornado chart.")
  boolean html;

  @Override
  public Integer call() throws Exception {
    try (TaskMetrics found = metrics.open()) {
      return run(found);
    }
  }

  private int run(TaskMetrics found) throws Exception {
    if (spec.commandLine().getParseResult().hasMatchedOption("--hardware") && hardware.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--hardware names no catalog entry");
    }
    ChooseRequest req;
    try {
      Map<String, long[]> s = Shapes.byInput(shapes);
      ChooseRequest.Builder b =
          ChooseRequest.builder(preprocess.resolve(model), bound.toBound(metrics.chosen(found)))
              .optMetrics(metrics.set(found))
              .optP99Ms(p99Ms)
              .optQps(qps)
              .optHardware(hardware)
              .optSearch(search.budget())
              .optBatches(batches)
              .optThreads(threads)
              .optData(data)
              .optCatalog(catalog)
              .optMeasuredOn(measuredOn)
              .optOutDir(out)
              .optPrune(prune)
              .optCalibrateProjection(calibrateProjection)
              .optMeasurements(measurements);
      if (methods != null) {
        b.optMethods(methods);
      }
      s.forEach(b::optShape);
      req = b.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (html && out == null) {
      throw new ParameterException(spec.commandLine(), "--html writes into --out: give --out DIR");
    }
    Progress progress = new Progress(spec.commandLine().getErr(), common.quiet);
    ChooseReport r = ChooseWorkflow.run(req, progress);
    if (html) {
      Reports.writeText(out.resolve(Reports.HTML_FILE), HtmlReport.choose(r));
    }
    progress.clear();
    PrintWriter w = spec.commandLine().getOut();
    if (common.json) {
      Json.print(w, r);
    } else {
      print(w, r, 15);
      if (out != null) {
        w.println(
            "report: "
                + out.resolve(Reports.MARKDOWN_FILE)
                + (html ? ", " + out.resolve(Reports.HTML_FILE) : "")
                + " (and "
                + Reports.JSON_FILE
                + ")");
      } else {
        w.println("report: none written; --out DIR writes report.md and report.json");
      }
      w.flush();
    }
    return r.result().winner().isPresent() ? ExitCodes.OK : ExitCodes.BOUND_NOT_MET;
  }

  /** {@code ", <what>: serial fraction s, SMT gain g"}, or {@code ""} for none. */
  private static String scaling(String what, dev.infercost.cost.Projection.Scaling s) {
    return s == null
        ? ""
        : String.format(
            Locale.ROOT,
            ",%s: serial fraction %.4g (%.4g–%.4g over the pairs%s), SMT gain %.4g",
            what,
            s.serialFraction(),
            s.serialFractionRange().low(),
            s.serialFractionRange().high(),
            s.stable() ? "" : ": too wide, not used",
            s.smtGain());
  }

  /** The report as text, with the first {@code rows} ranked candidates. */
  static void print(PrintWriter w, ChooseReport r, int rows) {
    w.println(ChooseVerdict.of(r));
    w.println(
        "host: "
            + r.host().cpuModel()
            + (r.hostEntry() == null
                ? " = host (no catalog match, no price: all costs estimated)"
                : " = " + r.hostEntry() + " (measured)"));
    String measure = r.bound().measure();
    w.printf(
        Locale.ROOT,
        "bound: %s (%s at most %.4f)%n",
        r.bound().given(),
        measure,
        r.bound().maxLoss());
    r.variants()
        .forEach(
            (k, v) ->
                w.printf(
                    Locale.ROOT,
                    "variant %-13s %s, %s %s (mean cosine %.5f%s): %s%n",
                    k,
                    Table.bytes(v.bytes()),
                    measure,
                    r.bound().format(v.accuracyDrop()),
                    v.fidelity().meanCosine(),
                    v.fidelity().accuracyDrop() == null || r.bound().onAccuracy()
                        ? ""
                        : String.format(
                            Locale.ROOT, ", top-1 accuracy drop %.4f", v.fidelity().accuracyDrop()),
                    v.recipe()));
    r.searches()
        .forEach(
            s ->
                w.println(
                    "search for "
                        + (s.hardware().size() <= 3
                            ? String.join(", ", s.hardware())
                            : s.hardware().size() + " catalog entries (" + s.family() + ")")
                        + ": "
                        + s.result().verdict()));
    // With a demand, rows are ranked by the cost of the whole replicas it needs, idle capacity
    // included; the idle share says how much of that is paid for nothing.
    boolean demand = r.result().request().demandQps() != null;
    Table t =
        demand
            ? new Table(
                "#",
                "variant",
                "hardware",
                "batch",
                "p99 ms",
                "inf/s",
                "replicas",
                "idle",
                "per 1M inf. at demand",
                measure,
                "how")
            : new Table(
                "#",
                "variant",
                "hardware",
                "batch",
                "p99 ms",
                "inf/s",
                "per 1M inf.",
                measure,
                "how");
    int i = 1;
    for (Optimizer.Candidate c : r.result().ranked()) {
      var row = c.row();
      List<Object> cells =
          new ArrayList<>(
              List.of(
                  ChooseVerdict.rank(r.result(), i++, c),
                  row.variant(),
                  row.hardwareId(),
                  row.batch(),
                  Table.ms(row.p99Ms()),
                  ChooseVerdict.throughput(row)));
      if (demand) {
        cells.add(c.capacity().replicas());
        cells.add(String.format(Locale.ROOT, "%.1f%%", 100 * (1 - c.capacity().utilization())));
      }
      cells.add(ChooseVerdict.cost(c));
      cells.add(r.bound().format(row.accuracyDrop()));
      cells.add(row.provenance().kind().toString().toLowerCase(Locale.ROOT));
      t.row(cells.toArray());
      if (i > rows) {
        break;
      }
    }
    t.print(w);
    w.println(ChooseVerdict.RANGES);
    w.println(
        "pareto front: "
            + String.join(
                ", ",
                r.result().paretoFront().stream()
                    .map(c -> c.row().variant() + "@" + c.row().hardwareId())
                    .toList())
            + "; "
            + r.result().infeasible().size()
            + " infeasible rows, "
            + r.notes().size()
            + (r.notes().size() == 1 ? " note" : " notes")
            + " (hardware not priced, variants left out: in the report)");
    if (r.projectionCheck() != null) {
      ProjectionCheck c = r.projectionCheck();
      w.printf(
          Locale.ROOT,
          "projection vs measurement on this host: MAPE %.1f%% over %d pairs (default"
              + " parameters)%s%n",
          c.mapePercent(),
          c.pairs().size(),
          c.calibratedMapePercent() == null
              ? ""
              : String.format(
                  Locale.ROOT,
                  "; calibrated (in sample): MAPE %.1f%%%s%s",
                  c.calibratedMapePercent(),
                  scaling(" threads", c.calibratedThreads()),
                  scaling(" streams", c.calibratedStreams())));
      for (ProjectionCheck.Pair p : c.pairs()) {
        w.printf(
            Locale.ROOT,
            "  %s: measured %.1f/s, projected %.1f/s (%+.1f%%)%s%n",
            p.what(),
            p.measured(),
            p.projected(),
            p.errorPercent(),
            p.calibratedProjected() == null
                ? ""
                : String.format(
                    Locale.ROOT,
                    ", calibrated %.1f/s (%+.1f%%)",
                    p.calibratedProjected(),
                    p.calibratedErrorPercent()));
      }
    }
    w.flush();
  }
}
