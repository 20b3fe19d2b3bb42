package dev.infercost.gate;

import dev.infercost.gate.GateReport.Comparison;
import dev.infercost.gate.GateReport.Verdict;
import java.util.List;

/** The pull-request comment: verdict first, what failed, then every comparison folded away. */
final class Markdown {
  private Markdown() {}

  static String render(GateReport r) {
    StringBuilder b = new StringBuilder();
    b.append("## infercost gate: ")
        .append(r.passed() ? "✅ PASS" : "❌ FAIL")
        .append("\n\n**")
        .append(cell(r.headline()))
        .append("**\n\n");
    b.append("Results `")
        .append(code(r.results()))
        .append("` against baseline `")
        .append(code(r.baseline()))
        .append("`.\n");
    if (r.normalization().note() != null) {
      b.append("\n> ").append(cell(r.normalization().note())).append('\n');
    }
    List<Comparison> attention =
        r.comparisons().stream().filter(c -> c.verdict() != Verdict.PASS).toList();
    if (!attention.isEmpty()) {
      b.append("\n### ").append(r.passed() ? "New" : "Regressions and changes").append("\n\n");
      table(b, attention);
    }
    if (!r.comparisons().isEmpty()) {
      b.append("\n<details><summary>All ")
          .append(GateReport.plural(r.comparisons().size(), "comparison"))
          .append("</summary>\n\n");
      table(b, r.comparisons());
      b.append("\n</details>\n");
    }
    if (!r.notes().isEmpty()) {
      b.append("\n### Notes\n\n");
      for (String n : r.notes()) {
        b.append("- ").append(cell(n)).append('\n');
      }
    }
    Thresholds t = r.thresholds();
    b.append("\n<sub>Thresholds: cost +")
        .append(Fmt.limit(t.maxCostIncrease()))
        .append(", latency +")
        .append(Fmt.limit(t.maxLatencyIncrease()))
        .append(", size +")
        .append(Fmt.limit(t.maxSizeIncrease()))
        .append(", MACs +")
        .append(Fmt.limit(t.maxMacsIncrease()))
        .append(", accuracy -")
        .append(Fmt.number(t.maxAccuracyDrop()))
        .append(" (absolute). A timing fails only when the ratio of medians exceeds its threshold")
        .append(" and the bootstrap 95% confidence interval of that ratio lies above 1 (")
        .append(Gate.RESAMPLES)
        .append(" resamples, fixed seed).</sub>\n");
    return b.toString();
  }

  private static void table(StringBuilder b, List<Comparison> rows) {
    b.append("| entry | metric | baseline | candidate | change | 95% CI | verdict | detail |\n");
    b.append("|---|---|---:|---:|---:|---|---|---|\n");
    for (Comparison c : rows) {
      b.append("| ")
          .append(cell(c.entry()))
          .append(" | ")
          .append(cell(c.metric()))
          .append(c.unit() == null || c.unit().isEmpty() ? "" : " (" + cell(c.unit()) + ")")
          .append(" | ")
          .append(c.baselineText())
          .append(" | ")
          .append(c.candidateText())
          .append(" | ")
          .append(c.changeText())
          .append(" | ")
          .append(c.ciText())
          .append(" | ")
          .append(c.verdict().failing() ? "**" + c.verdict() + "**" : c.verdict().toString())
          .append(" | ")
          .append(cell(c.detail()))
          .append(" |\n");
    }
  }

  /** Safe inside a table cell: no pipes, no line breaks, no HTML. */
  private static String cell(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;")
        .replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replaceAll("[\\r\\n]+", " ")
        .replaceAll("\\p{Cntrl}", "\uFFFD");
  }

  /** Safe inside an inline code span. */
  private static String code(String s) {
    return s == null ? "" : s.replace("`", "'").replaceAll("[\\r\\n]+", " ");
  }
}
