package dev.infercost.cli;

import dev.infercost.profile.EvalReport;
import dev.infercost.profile.Evaluator;
import dev.infercost.profile.MetricScore;
import dev.infercost.profile.MetricSet;
import dev.infercost.profile.TaskMetrics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code infercost evaluate}: fidelity of a candidate to a reference. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = "Compare a candidate model's outputs with a reference's on the same data.")
final class EvaluateCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin PreprocessOptions preprocess;
  @Mixin MetricOptions metrics;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "REFERENCE",
      description = "Reference model (file or built-in name).")
  String reference;

  @Parameters(index = "1", paramLabel = "CANDIDATE", description = "Candidate model.")
  String candidate;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DATA",
      description =
          ".npz/.npy (or a folder), .csv, .txt with one sentence per line, labelled sentences or"
              + " pairs (.csv/.tsv with a text and a label column, or .jsonl), or a folder of"
              + " PNG/JPEG images (class subfolders or labels.csv for labels).")
  Path data;

  @Option(
      names = "--threads",
      converter = ThreadsConverter.class,
      defaultValue = "1",
      description = "Intra-op threads (default ${DEFAULT-VALUE}).")
  int threads;

  @Override
  public Integer call() throws Exception {
    Progress progress = new Progress(spec.commandLine().getErr(), common.quiet);
    EvalReport r;
    try (TaskMetrics m = metrics.open()) {
      MetricSet set;
      try {
        set = metrics.set(m);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      r =
          Evaluator.evaluate(
              reference,
              candidate,
              data,
              preprocess.tokenizer(),
              preprocess.file(),
              threads,
              set,
              progress);
    }
    progress.clear();
    PrintWriter out = spec.commandLine().getOut();
    if (common.json) {
      Json.printDocument(out, "evaluate", r);
      return ExitCodes.OK;
    }
    Table t = new Table("metric", "value");
    t.row("data", r.data());
    t.row("samples", r.samples());
    t.row("output kind", r.outputKind());
    // For decisions (class indices, masks) the share of equal values stands in for cosine.
    String cosine = r.decisions() ? " (share equal)" : "";
    t.row("mean cosine" + cosine, f(r.meanCosine()));
    t.row("min cosine" + cosine, f(r.minCosine()));
    t.row("max abs error", String.format(Locale.ROOT, "%.4g", r.maxAbsError()));
    if (r.commonRatio() != null) {
      t.row("shared / varying energy", String.format(Locale.ROOT, "%.4g", r.commonRatio()));
    }
    if (r.top1Agreement() != null) {
      t.row(r.agreementName(), f(r.top1Agreement()));
    }
    if (r.nnAgreement() != null) {
      t.row("nearest-neighbour agreement", f(r.nnAgreement()));
    }
    if (r.accuracyDrop() != null) {
      t.row("reference " + r.accuracyName(), f(r.referenceAccuracy()));
      t.row("candidate " + r.accuracyName(), f(r.candidateAccuracy()));
      t.row(r.accuracyName() + " drop", f(r.accuracyDrop()));
      if (r.accuracyDropMargin() != null) {
        t.row("  its 95% margin", "±" + f(r.accuracyDropMargin()));
      }
    }
    for (MetricScore m : r.metrics()) {
      t.row(m.name() + " reference", f(m.reference()));
      t.row(m.name() + " candidate", f(m.candidate()));
      t.row(m.name() + " drop", f(m.drop()));
    }
    t.print(out);
    r.lenientCosine().ifPresent(n -> out.println("note: " + n));
    return ExitCodes.OK;
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.5f", v);
  }
}
