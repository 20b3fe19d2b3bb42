package dev.infercost.cli;

import dev.infercost.base.InfercostException;
import dev.infercost.base.OutputGuard;
import dev.infercost.gate.BenchResults;
import dev.infercost.gate.Gate;
import dev.infercost.gate.GateInputException;
import dev.infercost.gate.GateReport;
import dev.infercost.gate.Thresholds;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code infercost gate}: fail CI when inference got more expensive, not when it was noisy. */
@Command(
    name = "gate",
    mixinStandardHelpOptions = true,
    description = {
      "Compare benchmark results with a baseline: exit 1 on a regression, 0 otherwise.",
      "Size, MACs and accuracy are compared exactly; a timing fails only when the ratio of"
          + " medians exceeds its threshold and its bootstrap 95%% confidence interval lies above 1."
    })
final class GateCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "RESULTS",
      description = "Results of this run: infercost bench JSON or a JMH JSON result file.")
  Path results;

  @Option(
      names = "--baseline",
      required = true,
      paramLabel = "BASELINE",
      description = "The results to compare with (same formats).")
  Path baseline;

  @Option(
      names = "--max-cost-increase",
      paramLabel = "PCT",
      defaultValue = "5%",
      converter = Percent.class,
      description = "Allowed increase of cost.* metrics (default ${DEFAULT-VALUE}).")
  double maxCostIncrease;

  @Option(
      names = "--max-latency-increase",
      paramLabel = "PCT",
      defaultValue = "5%",
      converter = Percent.class,
      description =
          "Allowed increase of latency.* and other timings, JMH scores included"
              + " (default ${DEFAULT-VALUE}).")
  double maxLatencyIncrease;

  @Option(
      names = "--max-size-increase",
      paramLabel = "PCT",
      defaultValue = "0%",
      converter = Percent.class,
      description = "Allowed increase of the size metric (default ${DEFAULT-VALUE}).")
  double maxSizeIncrease;

  @Option(
      names = "--max-macs-increase",
      paramLabel = "PCT",
      defaultValue = "0%",
      converter = Percent.class,
      description = "Allowed increase of the macs metric (default ${DEFAULT-VALUE}).")
  double maxMacsIncrease;

  @Option(
      names = "--max-accuracy-drop",
      paramLabel = "X",
      defaultValue = "0",
      converter = Absolute.class,
      description = "Allowed absolute accuracy drop, e.g. 0.01 or 1%% (default ${DEFAULT-VALUE}).")
  double maxAccuracyDrop;

  @Option(
      names = "--deterministic-only",
      description =
          "Compare only deterministic metrics (size, MACs, accuracy): a gate that cannot flap.")
  boolean deterministicOnly;

  @Option(names = "--junit", paramLabel = "FILE", description = "Also write JUnit XML to FILE.")
  Path junit;

  @Option(
      names = "--markdown",
      paramLabel = "FILE",
      description = "Also write a pull-request comment (Markdown) to FILE.")
  Path markdown;

  @Option(
      names = "--update-baseline",
      description = "Check RESULTS and write them as the new BASELINE instead of comparing.")
  boolean updateBaseline;

  /** What {@code --update-baseline --json} prints. */
  record BaselineUpdate(
      int schema,
      String kind,
      boolean updated,
      String results,
      String baseline,
      int entries,
      int metrics) {}

  @Override
  public Integer call() throws InfercostException {
    OutputGuard.of()
        .input("RESULTS", results)
        .input("--baseline", baseline)
        .output("--junit", junit)
        .output("--markdown", markdown)
        .check();
    PrintWriter out = spec.commandLine().getOut();
    return updateBaseline ? update(out) : compare(out);
  }

  private int compare(PrintWriter out) throws GateInputException {
    Thresholds thresholds =
        new Thresholds(
            maxCostIncrease, maxLatencyIncrease, maxSizeIncrease, maxMacsIncrease, maxAccuracyDrop);
    GateReport report =
        deterministicOnly
            ? Gate.compare(
                Gate.read(results).deterministicOnly(),
                Gate.read(baseline).deterministicOnly(),
                thresholds)
            : Gate.compare(results, baseline, thresholds);
    // Files first: if one cannot be written, the run is bad input and stdout stays empty.
    if (junit != null) {
      Gate.write(junit, report.junitXml());
    }
    if (markdown != null) {
      Gate.write(markdown, report.markdown());
    }
    if (common.json) {
      Json.print(out, report);
      if (!common.quiet) {
        PrintWriter err = spec.commandLine().getErr();
        report.notes().forEach(n -> err.println("note: " + n));
        err.flush();
      }
    } else {
      print(out, report);
    }
    return report.passed() ? ExitCodes.OK : ExitCodes.BOUND_NOT_MET;
  }

  private int update(PrintWriter out) throws GateInputException {
    if ((junit != null || markdown != null) && !common.quiet) {
      spec.commandLine()
          .getErr()
          .println("note: --junit and --markdown are ignored with --update-baseline");
      spec.commandLine().getErr().flush();
    }
    BenchResults r = Gate.updateBaseline(results, baseline);
    int metrics = r.entries().stream().mapToInt(e -> e.metrics().size()).sum();
    if (common.json) {
      Json.print(
          out,
          new BaselineUpdate(
              GateReport.SCHEMA,
              "gate-baseline-update",
              true,
              results.toString(),
              baseline.toString(),
              r.entries().size(),
              metrics));
    } else {
      out.println(
          "baseline updated: "
              + baseline
              + " now holds "
              + results
              + " ("
              + r.entries().size()
              + " entries, "
              + metrics
              + " metrics)");
      out.flush();
    }
    return ExitCodes.OK;
  }

  /** The human table: one line per entry and metric, then the notes and the verdict. */
  static void print(PrintWriter out, GateReport r) {
    out.println("gate     " + r.results() + " against baseline " + r.baseline());
    Table t =
        new Table(
            "entry",
            "metric",
            "unit",
            "baseline",
            "candidate",
            "change",
            "95% CI",
            "verdict",
            "detail");
    for (GateReport.Comparison c : r.comparisons()) {
      t.row(
          c.entry(),
          c.metric(),
          c.unit(),
          c.baselineText(),
          c.candidateText(),
          c.changeText(),
          c.ciText(),
          c.verdict(),
          c.detail());
    }
    t.print(out);
    for (String n : r.notes()) {
      out.println("note: " + n);
    }
    out.println(r.headline());
    out.flush();
  }

  /** {@code 5%} or {@code 5} → 0.05: a percentage, never negative. */
  static final class Percent implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      return parse(value, true);
    }
  }

  /** {@code 0.01} → 0.01, {@code 1%} → 0.01: an absolute amount, never negative. */
  static final class Absolute implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      double v = parse(value, false);
      if (v > 1) {
        throw new TypeConversionException(
            "'" + value + "' is more than the whole accuracy; use at most 1 (100%)");
      }
      return v;
    }
  }

  private static double parse(String value, boolean percentByDefault) {
    String s = value.strip();
    boolean percent = s.endsWith("%");
    if (percent) {
      s = s.substring(0, s.length() - 1).strip();
    }
    BigDecimal d;
    try {
      d = new BigDecimal(s);
    } catch (NumberFormatException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a number; use e.g. " + (percentByDefault ? "5%" : "0.01"));
    }
    if (d.signum() < 0) {
      throw new TypeConversionException("'" + value + "' is negative; use 0 or more");
    }
    // BigDecimal so that 5% is exactly 0.05 and not 0.05000000000000000277.
    return percent || percentByDefault ? d.movePointLeft(2).doubleValue() : d.doubleValue();
  }
}
