package dev.infercost.workflows;

import dev.infercost.base.Fmt;
import dev.infercost.profile.EvalReport;
import java.nio.file.Path;
import java.util.Locale;

/** {@code report.md} for a compress run: the same facts as report.json, for people. */
final class CompressMarkdown {
  private CompressMarkdown() {}

  /** A search's verdict, trial table and per-layer sensitivity, under the heading {@code title}. */
  static void search(StringBuilder b, String title, Search.Result s) {
    b.append("## ").append(title).append("\n\n").append(s.verdict()).append("\n\n");
    b.append("| # | trial | bytes | loss | bound | inferences/s | vs input | how |\n");
    b.append("|---|---|---|---|---|---|---|---|\n");
    for (Search.Trial t : s.trials()) {
      b.append(
          f(
              "| %s%d | %s | %d | %.5f | %s | %s | %s | %s |%n",
              t.number() == s.chosen() ? "**kept** " : "",
              t.number(),
              t.config(),
              t.bytes(),
              t.loss(),
              t.rewritten() == 0 ? "unchanged" : t.met() ? "met" : "missed",
              t.speed() == null ? "-" : f("%.1f", t.speed().value()),
              t.speedup() == null ? "-" : f("%.2fx", t.speedup()),
              t.speed() == null ? "-" : t.speed().provenance()));
    }
    b.append(f("%nSearch bound: %s; %.1f s.%n", s.bound(), s.seconds()));
    b.append(f("%nPruning: %s.%n", s.pruning()));
    b.append("\n### Per-layer sensitivity\n\n").append(s.sensitivityMethod()).append(".\n\n");
    if (!s.sensitivity().isEmpty()) {
      if (s.sensitivity().stream().allMatch(l -> l.boundLoss() == l.loss())) {
        b.append(f("| layer | loss (%s) |%n|---|---|%n", s.sensitivityLoss()));
        s.sensitivity().forEach(l -> b.append(f("| %s | %s |%n", l.node(), Fmt.sig(l.loss()))));
      } else {
        b.append(f("| layer | loss on the bound | %s |%n|---|---|---|%n", s.sensitivityLoss()));
        s.sensitivity()
            .forEach(
                l ->
                    b.append(
                        f(
                            "| %s | %s | %s |%n",
                            l.node(), Fmt.sig(l.boundLoss()), Fmt.sig(l.loss()))));
      }
    }
    b.append('\n');
  }

  /** The input's name in tables: its role and file name, {@code fp32 input (digits-cnn.onnx)}. */
  static String inputLabel(CompressReport r) {
    return "input (" + Path.of(r.input().path()).getFileName() + ")";
  }

  /** The output's name in tables: the method and file name. */
  static String outputLabel(CompressReport r) {
    return r.method() + " (" + Path.of(r.output().path()).getFileName() + ")";
  }

  static String render(CompressReport r) {
    StringBuilder b = new StringBuilder();
    b.append("# infercost compress: ").append(r.method()).append("\n\n");
    b.append("**").append(r.headline()).append("**\n\n");
    if (r.nextStep() != null) {
      b.append("Next step: ").append(r.nextStep()).append(".\n\n");
    }
    b.append("## Evidence\n\n");
    b.append("| | ").append(inputLabel(r)).append(" | ").append(outputLabel(r)).append(" |\n");
    b.append("|---|---|---|\n");
    row(b, "size", bytes(r.input().bytes()), bytes(r.output().bytes()));
    if (r.latency() != null) {
      var l = r.latency();
      row(b, "median latency", ms(l.before().p50()), ms(l.after().p50()));
      row(
          b,
          "95% CI of the median",
          ms(l.before().ciLow()) + " – " + ms(l.before().ciHigh()),
          ms(l.after().ciLow()) + " – " + ms(l.after().ciHigh()));
      row(b, "p99 latency", ms(l.before().p99()), ms(l.after().p99()));
      row(b, "samples", "" + l.before().samples(), "" + l.after().samples());
    }
    EvalReport e = r.fidelity();
    if (e != null && e.accuracyDrop() != null) {
      row(
          b,
          e.accuracyName(),
          Fmt.fixed(e.referenceAccuracy(), 4),
          Fmt.fixed(e.candidateAccuracy(), 4));
    }
    if (e != null) {
      for (var m : e.metrics()) {
        row(b, m.name(), Fmt.sig(m.reference(), 6), Fmt.sig(m.candidate(), 6));
      }
    }
    b.append('\n');
    if (r.latency() != null) {
      b.append("Latency: ").append(r.latency().method()).append(".\n\n");
    }
    b.append("Fidelity: ");
    if (e == null) {
      b.append("not evaluated: no held-out data was given.\n");
    } else {
      b.append(
          f(
              "%s vs the input on %d samples of %s (output kind %s): mean cosine %.5f, min %.5f,"
                  + " max abs error %s",
              r.method(),
              e.samples(),
              e.data(),
              e.outputKind(),
              e.meanCosine(),
              e.minCosine(),
              Fmt.sig(e.maxAbsError())));
      if (e.top1Agreement() != null) {
        b.append(f(", %s %.4f", e.agreementName(), e.top1Agreement()));
      }
      if (e.nnAgreement() != null) {
        b.append(f(", nearest-neighbour agreement %.4f", e.nnAgreement()));
      }
      b.append(".\n");
    }
    b.append("\nBound: ");
    if (r.bound() == null) {
      b.append("none was set, so nothing was checked.\n");
    } else {
      b.append(r.bound().met() ? "**met**: " : "**NOT met**: ")
          .append(r.bound().reason())
          .append('\n');
      Stability s = r.bound().stability();
      if (s != null && s.verdict() == Stability.Verdict.HOLDS) {
        b.append(
            f(
                "\nThe input model holds the bound against itself when its float inputs move by %s"
                    + " (loss %s%s): the miss is the compression's.\n",
                s.inputsMoved(),
                Fmt.sig(s.loss()),
                s.margin() == null ? "" : " ±" + Fmt.sig(s.margin())));
      }
    }
    if (r.search() != null) {
      b.append('\n');
      search(b, "Search", r.search());
    }
    b.append("\n## What the passes did\n\n");
    b.append("| op type | nodes | rewritten | left as is | why left (nodes) |\n");
    b.append("|---|---|---|---|---|\n");
    for (OpTable.Row o : r.byOpType()) {
      StringBuilder why = new StringBuilder();
      o.reasons().entrySet().stream()
          .sorted((x, y) -> Integer.compare(y.getValue(), x.getValue()))
          .forEach(
              w ->
                  why.append(why.length() == 0 ? "" : "; ")
                      .append(w.getKey().replace("|", "\\|"))
                      .append(" (")
                      .append(w.getValue())
                      .append(')'));
      b.append(
          f(
              "| %s | %d | %d | %d | %s |%n",
              o.opType(),
              o.nodes(),
              o.rewritten(),
              o.leftAsIs(),
              why.length() == 0 ? (o.leftAsIs() > 0 ? "not a target of the passes" : "") : why));
    }
    b.append("\nPasses in order: ");
    b.append(
        String.join(
            ", ",
            r.passes().stream()
                .map(p -> p.pass() + " (" + p.rewritten() + " rewritten)")
                .toList()));
    b.append(". Node names are in report.json.\n");
    r.passes().stream()
        .flatMap(p -> p.notes().stream().map(n -> p.pass() + ": " + n))
        .forEach(n -> b.append("- ").append(n).append('\n'));
    b.append("\n## Details\n\n");
    b.append(
        f(
            "Built for %s. Rewrite took %s s (measured).%n%n",
            r.target(), Fmt.sig(r.compressSeconds())));
    b.append("| | ").append(inputLabel(r)).append(" | ").append(outputLabel(r)).append(" |\n");
    b.append("|---|---|---|\n");
    row(b, "file", r.input().path(), r.output().path());
    row(b, "bytes", Long.toString(r.input().bytes()), Long.toString(r.output().bytes()));
    row(b, "sha256", r.input().sha256(), r.output().sha256());
    b.append("\nOptions:\n\n");
    r.options().forEach((k, v) -> b.append("- ").append(k).append(": `").append(v).append("`\n"));
    b.append("- int8 instruction set of this host: `").append(r.int8Isa()).append("`\n");
    b.append("- calibration data: ").append(r.calibration()).append("\n");
    r.calibrationHint().ifPresent(h -> b.append("- note: ").append(h).append("\n"));
    var h = r.host();
    b.append("\nHost: ")
        .append(h.cpuModel())
        .append(", ")
        .append(h.logicalCores())
        .append(" logical cores (")
        .append(String.join(" ", h.cpuFeatures()))
        .append("), ")
        .append(h.os())
        .append(", ONNX Runtime ")
        .append(h.onnxRuntime())
        .append(", ")
        .append(h.java())
        .append(", infercost ")
        .append(h.infercost())
        .append('\n');
    return b.toString();
  }

  private static String ms(double x) {
    return Fmt.sig(x) + " ms";
  }

  private static String bytes(long n) {
    return Fmt.si(n) + " B";
  }

  private static void row(StringBuilder b, String k, String x, String y) {
    b.append("| ").append(k).append(" | ").append(x).append(" | ").append(y).append(" |\n");
  }

  private static String f(String fmt, Object... args) {
    return String.format(Locale.ROOT, fmt, args);
  }
}
