package dev.infercost.cli;

import dev.infercost.base.Fmt;
import dev.infercost.base.OutputGuard;
import dev.infercost.gate.BenchResults;
import dev.infercost.profile.LatencyStats;
import dev.infercost.workflows.BenchRun;
import dev.infercost.workflows.BenchWorkflow;
import dev.infercost.workflows.HtmlReport;
import dev.infercost.workflows.Reports;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code infercost bench}: run a benchmark suite for {@code gate}. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure every entry of a benchmark suite and write the results for 'infercost gate'.",
      "Per entry: size, MACs, accuracy or fidelity, latency samples, throughput and cost per 1M",
      "inferences per hardware, plus a reference workload. Suite format:",
      "benchmarks/suites/example.yaml."
    })
final class BenchCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Option(names = "--suite", required = true, paramLabel = "FILE", description = "Suite YAML.")
  Path suite;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Results JSON.")
  Path out;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description = "Also write a self-contained HTML report with charts.")
  Path html;

  @Override
  public Integer call() throws Exception {
    OutputGuard.of().input("--suite", suite).output("--out", out).output("--html", html).check();
    Progress progress = new Progress(spec.commandLine().getErr(), common.quiet);
    BenchRun run = BenchWorkflow.run(suite, out, progress);
    if (html != null) {
      Reports.writeText(html, HtmlReport.bench(run));
    }
    progress.clear();
    PrintWriter w = spec.commandLine().getOut();
    if (common.json) {
      Json.print(w, run);
      return ExitCodes.OK;
    }
    BenchResults r = run.results();
    w.println(
        "wrote "
            + out
            + " ("
            + r.entries().size()
            + " entries, "
            + r.provenance().host().cpuModel()
            + ")"
            + (html == null ? "" : " and " + html)
            + (Files.isDirectory(BenchWorkflow.modelsDir(out))
                ? "; built variants in " + BenchWorkflow.modelsDir(out)
                : ""));
    Table t = new Table("entry", "metric", "value", "unit", "how");
    for (BenchResults.Entry e : r.entries()) {
      for (BenchResults.Metric m : e.metrics()) {
        t.row(e.name(), m.name(), format(m.value()), m.unit(), brief(m.provenance()));
      }
      LatencyStats l = run.detail(e).latency();
      t.row(
          e.name(),
          "latency (p50/p90/p99, CI)",
          String.format(
              Locale.ROOT,
              "%s/%s/%s [%s-%s] n=%d",
              Table.ms(l.p50()),
              Table.ms(l.p90()),
              Table.ms(l.p99()),
              Table.ms(l.ciLow()),
              Table.ms(l.ciHigh()),
              l.samples()),
          "ms",
          "");
    }
    t.print(w);
    return ExitCodes.OK;
  }

  private static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Table.count((long) v) : Fmt.sig(v, 4);
  }

  /** A provenance cut to one table cell; the whole text is in the results file. */
  private static String brief(String how) {
    return how == null ? null : Fmt.clip(how, 72);
  }
}
