package dev.infercost.workflows;

import dev.infercost.profile.EvalReport;
import dev.infercost.profile.LatencyStats;
import java.util.Locale;

/** {@code report.md} for a compress run: the same facts as report.json, for people. */
final class CompressMarkdown {
  private CompressMarkdown() {}

  private static void search(StringBuilder b, Search.Result s) {
    b.append("## Search\n\n").append(s.verdict()).append("\n\n");
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
    b.append("\n### Per-layer sensitivity\n\n").append(s.sensitivityMethod()).append(".\n\n");
    if (!s.sensitivity().isEmpty()) {
      b.append("| layer | loss (1 − mean cosine) |\n|---|---|\n");
      s.sensitivity().forEach(l -> b.append(f("| %s | %.6g |%n", l.node(), l.loss())));
    }
    b.append('\n');
  }

  static String render(CompressReport r) {
    StringBuilder b = new StringBuilder();
    b.append("# infercost compress: ").append(r.method()).append("\n\n");
    b.append("**").append(r.headline()).append("**\n\n");
    b.append("Built for ").append(r.target()).append(".\n\n");
    if (r.search() != null) {
      search(b, r.search());
    }
    b.append("| | input | output |\n|---|---|---|\n");
    row(b, "file", r.input().path(), r.output().path());
    row(b, "size (bytes)", Long.toString(r.input().bytes()), Long.toString(r.output().bytes()));
    row(b, "sha256", r.input().sha256(), r.output().sha256());
    b.append(
        f(
            "\nSize ratio output/input: **%.3f**. Rewrite took %.2f s (measured).%n",
            r.sizeRatio(), r.compressSeconds()));
    b.append("\n## Options\n\n");
    r.options().forEach((k, v) -> b.append("- ").append(k).append(": `").append(v).append("`\n"));
    b.append("- int8 instruction set of this host: `").append(r.int8Isa()).append("`\n");
    b.append("- calibration data: ").append(r.calibration()).append("\n");
    r.calibrationHint().ifPresent(h -> b.append("- note: ").append(h).append("\n"));
    b.append("\n## Passes\n\n");
    for (var p : r.passes()) {
      b.append(
          f(
              "- %s: %d nodes rewritten, %d left alone%n",
              p.pass(), p.rewritten(), p.skipped().size()));
      for (String s : p.notes()) {
        b.append("  - ").append(s).append('\n');
      }
      for (String s : p.skipped()) {
        b.append("  - ").append(s).append('\n');
      }
    }
    if (r.latency() != null) {
      var l = r.latency();
      b.append("\n## Latency (").append(l.method()).append(")\n\n");
      b.append("| model | p50 ms | 95% CI of p50 | p90 ms | p99 ms | samples | noisy |\n");
      b.append("|---|---|---|---|---|---|---|\n");
      lat(b, "input", l.before());
      lat(b, "output", l.after());
      b.append(
          f(
              "%nRatio of medians output/input: **%.3f**. Inputs: %s.%n",
              l.p50Ratio(), l.inputShapes()));
    }
    EvalReport e = r.fidelity();
    b.append("\n## Fidelity\n\n");
    if (e == null) {
      b.append("Not evaluated: no held-out data was given.\n");
    } else {
      b.append("Data: ")
          .append(e.data())
          .append(f(", %d samples, output kind %s.%n%n", e.samples(), e.outputKind()));
      b.append(
          f(
              "- mean cosine %.5f, min %.5f, max abs error %.4g%n",
              e.meanCosine(), e.minCosine(), e.maxAbsError()));
      if (e.top1Agreement() != null) {
        b.append(f("- top-1 agreement %.4f%n", e.top1Agreement()));
      }
      if (e.nnAgreement() != null) {
        b.append(f("- nearest-neighbour agreement %.4f%n", e.nnAgreement()));
      }
      if (e.accuracyDrop() != null) {
        b.append(
            f(
                "- accuracy: input %.4f, output %.4f, drop %.4f%n",
                e.referenceAccuracy(), e.candidateAccuracy(), e.accuracyDrop()));
      }
      for (var m : e.metrics()) {
        b.append(
            f(
                "- %s (%s is better): input %.6g, output %.6g, drop %.4g%n",
                m.name(),
                m.higherIsBetter() ? "higher" : "lower",
                m.reference(),
                m.candidate(),
                m.drop()));
      }
    }
    if (r.bound() != null) {
      b.append("\n## Bound\n\n")
          .append(r.bound().met() ? "**met**: " : "**NOT met**: ")
          .append(r.bound().reason())
          .append('\n');
    }
    var h = r.host();
    b.append("\n## Host\n\n")
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

  private static void lat(StringBuilder b, String name, LatencyStats s) {
    b.append(
        f(
            "| %s | %.3f | %.3f–%.3f | %.3f | %.3f | %d | %s |%n",
            name,
            s.p50(),
            s.ciLow(),
            s.ciHigh(),
            s.p90(),
            s.p99(),
            s.samples(),
            s.noisy() ? "yes" : "no"));
  }

  private static void row(StringBuilder b, String k, String x, String y) {
    b.append("| ").append(k).append(" | ").append(x).append(" | ").append(y).append(" |\n");
  }

  private static String f(String fmt, Object... args) {
    return String.format(Locale.ROOT, fmt, args);
  }
}
