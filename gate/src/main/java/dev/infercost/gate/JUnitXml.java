package dev.infercost.gate;

import dev.infercost.gate.GateReport.Comparison;
import dev.infercost.gate.GateReport.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JUnit XML as CI servers read it (the Ant/Surefire layout): a {@code testsuite} per entry, a
 * {@code testcase} per metric with {@code classname="infercost.gate.<entry>"}, {@code failure} for
 * regressions and missing metrics, {@code skipped} for new ones.
 */
final class JUnitXml {
  private JUnitXml() {}

  static String render(GateReport r) {
    Map<String, List<Comparison>> byEntry = new LinkedHashMap<>();
    r.comparisons().forEach(c -> byEntry.computeIfAbsent(c.entry(), k -> new ArrayList<>()).add(c));
    String system = systemOut(r);
    StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    b.append("<testsuites name=\"infercost gate\"").append(counts(r.comparisons())).append(">\n");
    for (Map.Entry<String, List<Comparison>> e : byEntry.entrySet()) {
      String classname = "infercost.gate." + e.getKey();
      b.append("  <testsuite name=\"")
          .append(attr(classname))
          .append('"')
          .append(counts(e.getValue()))
          .append(">\n");
      b.append("    <properties>\n");
      property(b, "results", r.results());
      property(b, "baseline", r.baseline());
      property(b, "normalized", Boolean.toString(r.normalization().applied()));
      if (r.normalization().note() != null) {
        property(b, "normalization", r.normalization().note());
      }
      b.append("    </properties>\n");
      for (Comparison c : e.getValue()) {
        b.append("    <testcase classname=\"")
            .append(attr(classname))
            .append("\" name=\"")
            .append(attr(c.metric()))
            .append("\" time=\"0\"");
        String message = message(c);
        if (c.verdict().failing()) {
          b.append(">\n      <failure type=\"")
              .append(c.verdict() == Verdict.MISSING ? "missing" : "regression")
              .append("\" message=\"")
              .append(attr(message))
              .append("\">")
              .append(text(message + "\n" + system))
              .append("</failure>\n    </testcase>\n");
        } else if (c.verdict() == Verdict.NEW) {
          b.append(">\n      <skipped message=\"")
              .append(attr(message))
              .append("\"/>\n    </testcase>\n");
        } else {
          b.append("/>\n");
        }
      }
      b.append("    <system-out>").append(text(system)).append("</system-out>\n");
      b.append("  </testsuite>\n");
    }
    b.append("</testsuites>\n");
    return b.toString();
  }

  private static String counts(List<Comparison> rows) {
    long failures = rows.stream().filter(c -> c.verdict().failing()).count();
    long skipped = rows.stream().filter(c -> c.verdict() == Verdict.NEW).count();
    return " tests=\""
        + rows.size()
        + "\" failures=\""
        + failures
        + "\" errors=\"0\" skipped=\""
        + skipped
        + "\" time=\"0\"";
  }

  private static void property(StringBuilder b, String name, String value) {
    b.append("      <property name=\"")
        .append(attr(name))
        .append("\" value=\"")
        .append(attr(value))
        .append("\"/>\n");
  }

  /** One line: verdict, figures, why. */
  private static String message(Comparison c) {
    String figures =
        c.baseline() == null && c.candidate() == null
            ? ""
            : " (baseline "
                + c.baselineText()
                + ", candidate "
                + c.candidateText()
                + (c.unit() == null || c.unit().isEmpty() ? "" : " " + c.unit())
                + (c.change() == null ? "" : ", " + c.changeText())
                + ")";
    return c.verdict() + ": " + c.detail() + figures;
  }

  private static String systemOut(GateReport r) {
    StringBuilder s = new StringBuilder(r.headline());
    s.append("\nresults ").append(r.results()).append(", baseline ").append(r.baseline());
    for (String n : r.notes()) {
      s.append('\n').append(n);
    }
    return s.toString();
  }

  private static String attr(String s) {
    return escape(s, true);
  }

  private static String text(String s) {
    return escape(s, false);
  }

  /**
   * XML 1.0 escaping. Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates,
   * U+FFFE/U+FFFF) become U+FFFD so that any entry name still gives a file parsers accept.
   */
  static String escape(String s, boolean attribute) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append(attribute ? "&quot;" : "\"");
        case '\'' -> b.append(attribute ? "&apos;" : "'");
        case '\n' -> b.append(attribute ? "&#10;" : "\n");
        case '\r' -> b.append("&#13;");
        case '\t' -> b.append(attribute ? "&#9;" : "\t");
        default -> {
          if (Character.isHighSurrogate(ch)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            b.append(ch).append(s.charAt(++i));
          } else if (ch < 0x20 || Character.isSurrogate(ch) || ch == 0xFFFE || ch == 0xFFFF) {
            b.append('\uFFFD');
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.toString();
  }
}
