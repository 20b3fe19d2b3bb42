package dev.infercost.workflows;

import dev.infercost.gate.BenchResults;
import dev.infercost.gate.Measure;
import dev.infercost.profile.LatencyStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One self-contained HTML file (no scripts, no network) with inline SVG charts: latency
 * distribution per entry, cost per 1M inferences by hardware, and the cost–accuracy Pareto front.
 */
public final class HtmlReport {
  private static final int WIDTH = 860;
  private static final int LEFT = 200;
  private static final String[] COLORS = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"
  };

  private HtmlReport() {}

  /** The report for a bench run. */
  public static String bench(BenchRun run) {
    BenchResults r = run.results();
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>infercost bench</title><style>")
        .append("body{font-family:sans-serif;margin:24px;color:#222}")
        .append(
            "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
        .append(
            "th:first-child,td:first-child,td:last-child{text-align:left}svg text{font-size:12px}")
        .append("</style></head><body>");
    b.append("<h1>infercost bench</h1><p>")
        .append(esc(r.provenance().host().cpuModel()))
        .append(", ")
        .append(r.provenance().host().logicalCores())
        .append(" logical cores, ")
        .append(r.provenance().threads())
        .append(" thread(s), ONNX Runtime ")
        .append(esc(r.provenance().onnxRuntime()))
        .append(", ")
        .append(esc(r.createdAt()))
        .append(
            r.provenance().gitCommit() == null ? "" : ", commit " + esc(r.provenance().gitCommit()))
        .append("</p>");
    b.append("<h2>Latency distribution</h2><p>Per call, batch as in the suite. Box: p50 to p90 ")
        .append(
            "(dark tick: p50 and its 95% confidence interval); whiskers: min to p99. Log scale.</p>");
    b.append(latencyChart(run));
    b.append("<h2>Cost per 1M inferences by hardware</h2>");
    b.append(costChart(r.entries()));
    b.append(
            "<h2>Cost and accuracy</h2><p>Each entry at its cheapest hardware. The line joins the ")
        .append("Pareto front: no other entry is both cheaper and at least as accurate.</p>");
    b.append(paretoChart(r.entries()));
    b.append(
        "<h2>All metrics</h2><table><tr><th>entry</th><th>metric</th><th>value</th><th>unit</th><th>how</th></tr>");
    for (var e : r.entries()) {
      for (var m : e.metrics()) {
        b.append("<tr><td>")
            .append(esc(e.name()))
            .append("</td><td>")
            .append(esc(m.name()))
            .append("</td><td>")
            .append(fmt(m.value()))
            .append("</td><td>")
            .append(esc(m.unit()))
            .append("</td><td>")
            .append(esc(m.provenance()))
            .append("</td></tr>");
      }
    }
    b.append("</table></body></html>\n");
    return b.toString();
  }

  /** The report for a fleet plan: the verdict, demand vs capacity per period, the report. */
  public static String plan(PlanReport r) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>infercost plan</title><style>")
        .append("body{font-family:sans-serif;margin:24px;color:#222}svg text{font-size:12px}")
        .append("pre{white-space:pre-wrap}</style></head><body>");
    b.append("<h1>infercost plan</h1><p><b>").append(esc(r.verdict())).append("</b></p>");
    b.append("<h2>Demand and capacity per period</h2><p>Stacked bars: capacity of the owned,")
        .append(" reserved, on-demand and spot machines (inferences/s); line: demand.</p>");
    b.append(capacityChart(r));
    b.append("<h2>Report</h2><pre>").append(esc(PlanMarkdown.render(r))).append("</pre>");
    return b.append("</body></html>\n").toString();
  }

  static String capacityChart(PlanReport r) {
    var periods = r.plan().periods();
    double own = r.own().machine().throughputPerS();
    double cloud = r.cloud().machine().throughputPerS();
    double spot =
        r.cloud().machine().spot() == null
            ? 0
            : cloud * (1 - r.cloud().machine().spot().capacityLoss());
    double hi = 1;
    for (var p : periods) {
      hi = Math.max(hi, Math.max(p.capacityQps(), p.period().demandQps()));
    }
    int h = 320;
    int top = 20;
    int bottom = h - 40;
    Scale y = Scale.linear(0, hi * 1.05, bottom, top);
    double left = 70;
    double w = (WIDTH - 20 - left) / periods.size();
    StringBuilder s = svg(h);
    s.append(line(left, bottom, WIDTH - 20, bottom, "#333"));
    s.append(line(left, top, left, bottom, "#333"));
    for (int k = 0; k <= 4; k++) {
      double v = hi * 1.05 * k / 4;
      s.append(text(left - 4, y.at(v) + 4, fmt(v), "end"));
    }
    String[] names = {"own", "reserved", "on-demand", "spot"};
    StringBuilder demand = new StringBuilder();
    for (int i = 0; i < periods.size(); i++) {
      var p = periods.get(i);
      double[] parts = {p.own() * own, p.reserved() * cloud, p.onDemand() * cloud, p.spot() * spot};
      double base = 0;
      double x = left + i * w;
      for (int k = 0; k < parts.length; k++) {
        if (parts[k] > 0) {
          s.append(
              String.format(
                  Locale.ROOT,
                  "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"><title>%s: %s %s</title></rect>",
                  x,
                  y.at(base + parts[k]),
                  Math.max(0.5, w - (w > 3 ? 1 : 0)),
                  y.at(base) - y.at(base + parts[k]),
                  COLORS[k],
                  esc(p.period().label()),
                  esc(names[k]),
                  fmt(parts[k])));
          base += parts[k];
        }
      }
      demand
          .append(demand.length() == 0 ? "M" : " L")
          .append(String.format(Locale.ROOT, "%.2f %.2f", x, y.at(p.period().demandQps())))
          .append(String.format(Locale.ROOT, " L%.2f %.2f", x + w, y.at(p.period().demandQps())));
    }
    s.append("<path d=\"")
        .append(demand)
        .append("\" fill=\"none\" stroke=\"#000\" stroke-width=\"1.5\"/>");
    double lx = left;
    for (int k = 0; k < names.length; k++) {
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>",
              lx,
              h - 18,
              COLORS[k]));
      s.append(text(lx + 14, h - 9, names[k], "start"));
      lx += 100;
    }
    s.append(line(lx, h - 13, lx + 10, h - 13, "#000"))
        .append(text(lx + 14, h - 9, "demand", "start"));
    s.append(text(left, top - 6, "inferences/s", "start"));
    s.append(text(WIDTH - 20, bottom + 16, periods.size() + " periods", "end"));
    return s.append("</svg>").toString();
  }

  static String latencyChart(BenchRun run) {
    List<BenchResults.Entry> entries = run.results().entries();
    double lo = entries.stream().mapToDouble(e -> run.detail(e).latency().min()).min().orElse(1);
    double hi = entries.stream().mapToDouble(e -> run.detail(e).latency().p99()).max().orElse(10);
    Scale x = Scale.log(lo, hi, LEFT, WIDTH - 20);
    int rowH = 34;
    int h = 40 + rowH * entries.size();
    StringBuilder s = svg(h);
    axis(s, x, h - 20, "ms");
    int y = 10;
    int i = 0;
    for (var e : entries) {
      LatencyStats l = run.detail(e).latency();
      String c = COLORS[i++ % COLORS.length];
      int mid = y + rowH / 2;
      s.append(text(8, mid + 4, e.name(), "start"));
      s.append(line(x.at(l.min()), mid, x.at(l.p99()), mid, "#555"));
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\" fill-opacity=\"0.35\" stroke=\"%s\"/>",
              x.at(l.p50()),
              mid - 8,
              Math.max(1, x.at(l.p90()) - x.at(l.p50())),
              c,
              c));
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\"/>",
              x.at(l.ciLow()),
              mid - 8,
              Math.max(2, x.at(l.ciHigh()) - x.at(l.ciLow())),
              c));
      s.append(
          text(
              WIDTH - 20,
              mid - 10,
              String.format(
                  Locale.ROOT,
                  "p50 %s ms, n=%d%s",
                  fmt(l.p50()),
                  l.samples(),
                  l.noisy() ? ", noisy" : ""),
              "end"));
      y += rowH;
    }
    return s.append("</svg>").toString();
  }

  static String costChart(List<BenchResults.Entry> entries) {
    List<String[]> bars = new ArrayList<>();
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (var e : entries) {
      for (var m : e.metrics()) {
        Optional<String> hardware = Measure.costHardware(m.name());
        if (hardware.isPresent() && m.value() > 0) {
          bars.add(
              new String[] {e.name(), hardware.get(), Double.toString(m.value()), m.provenance()});
          lo = Math.min(lo, m.value());
          hi = Math.max(hi, m.value());
        }
      }
    }
    if (bars.isEmpty()) {
      return "<p>No hardware priced (add <code>hardware:</code> to the suite).</p>";
    }
    // Leave room on the right for the value labels.
    Scale x = Scale.log(lo / 2, hi, LEFT + 120, WIDTH - 190);
    int rowH = 20;
    int h = 40 + rowH * bars.size();
    StringBuilder s = svg(h);
    axis(s, x, h - 20, Measure.COST_UNIT);
    int y = 10;
    for (String[] bar : bars) {
      double v = Double.parseDouble(bar[2]);
      boolean est = bar[3].startsWith("estimated");
      s.append(text(8, y + 14, bar[0] + " @ " + bar[1], "start"));
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"%s\"%s/>",
              LEFT + 120,
              y + 2,
              Math.max(1, x.at(v) - LEFT - 120),
              est ? "#bbbbbb" : "#1f77b4",
              est ? " stroke=\"#666\" stroke-dasharray=\"3,2\"" : ""));
      s.append(
          text(
              x.at(v) + 4, y + 14, "$" + fmt(v) + (est ? " (estimated)" : " (measured)"), "start"));
      y += rowH;
    }
    return s.append("</svg>").toString();
  }

  static String paretoChart(List<BenchResults.Entry> entries) {
    record P(String name, double cost, double acc) {}
    List<P> pts = new ArrayList<>();
    for (var e : entries) {
      double cost =
          e.metrics().stream()
              .filter(m -> Measure.costHardware(m.name()).isPresent())
              .mapToDouble(BenchResults.Metric::value)
              .min()
              .orElse(Double.NaN);
      double acc =
          e.metrics().stream()
              .filter(
                  m ->
                      m.name().equals(Measure.ACCURACY.id())
                          || m.name().equals(Measure.FIDELITY_COSINE.id()))
              .mapToDouble(BenchResults.Metric::value)
              .findFirst()
              .orElse(Double.NaN);
      if (!Double.isNaN(cost) && !Double.isNaN(acc)) {
        pts.add(new P(e.name(), cost, acc));
      }
    }
    if (pts.isEmpty()) {
      return "<p>Needs both a cost and an accuracy or fidelity metric per entry.</p>";
    }
    Scale x =
        Scale.log(
            pts.stream().mapToDouble(P::cost).min().orElse(1) / 2,
            pts.stream().mapToDouble(P::cost).max().orElse(1) * 2,
            60,
            WIDTH - 20);
    double aLo = pts.stream().mapToDouble(P::acc).min().orElse(0);
    double aHi = pts.stream().mapToDouble(P::acc).max().orElse(1);
    double pad = Math.max(1e-4, (aHi - aLo) * 0.15);
    Scale y = Scale.linear(aLo - pad, aHi + pad, 300, 20);
    StringBuilder s = svg(340);
    axis(s, x, 320, Measure.COST_UNIT + " (cheapest hardware)");
    s.append(text(10, 14, "accuracy / fidelity", "start"));
    List<P> front = new ArrayList<>();
    pts.stream()
        .sorted(Comparator.comparingDouble(P::cost).thenComparing(p -> -p.acc()))
        .forEach(
            p -> {
              if (front.isEmpty() || p.acc() > front.get(front.size() - 1).acc()) {
                front.add(p);
              }
            });
    StringBuilder path = new StringBuilder();
    for (P p : front) {
      path.append(path.length() == 0 ? "M" : " L")
          .append(String.format(Locale.ROOT, "%.1f %.1f", x.at(p.cost()), y.at(p.acc())));
    }
    s.append("<path d=\"")
        .append(path)
        .append("\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\"/>");
    int k = 0;
    for (P p : pts) {
      // Alternate label heights so that neighbours at the same accuracy stay readable.
      int dy = (k++ % 2 == 0) ? -8 : 16;
      s.append(
          String.format(
              Locale.ROOT,
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>",
              x.at(p.cost()),
              y.at(p.acc()),
              front.contains(p) ? "#d62728" : "#1f77b4"));
      s.append(
          text(
              x.at(p.cost()) + 8,
              y.at(p.acc()) + dy,
              p.name() + " (" + fmt(p.acc()) + ")",
              "start"));
    }
    return s.append("</svg>").toString();
  }

  /** Maps values to pixels, linear or log10. */
  record Scale(double lo, double hi, double from, double to, boolean log) {
    static Scale log(double lo, double hi, double from, double to) {
      double l = Math.max(lo, 1e-9);
      return new Scale(l, Math.max(hi, l * 10), from, to, true);
    }

    static Scale linear(double lo, double hi, double from, double to) {
      return new Scale(lo, hi == lo ? lo + 1 : hi, from, to, false);
    }

    double at(double v) {
      double t =
          log
              ? (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))
              : (v - lo) / (hi - lo);
      return from + t * (to - from);
    }
  }

  private static StringBuilder svg(int h) {
    return new StringBuilder(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">",
            WIDTH,
            h,
            WIDTH,
            h));
  }

  private static void axis(StringBuilder s, Scale x, int y, String label) {
    s.append(line(x.from(), y, x.to(), y, "#333"));
    if (x.log()) {
      for (double d = Math.pow(10, Math.floor(Math.log10(x.lo()))); d <= x.hi() * 1.0001; d *= 10) {
        for (int m : new int[] {1, 2, 5}) {
          double v = d * m;
          if (v >= x.lo() && v <= x.hi() * 1.0001) {
            s.append(line(x.at(v), y, x.at(v), y + 4, "#333"))
                .append(text(x.at(v), y + 16, fmt(v), "middle"));
          }
        }
      }
    }
    s.append(text(x.to(), y - 4, label, "end"));
  }

  private static String line(double x1, double y1, double x2, double y2, String color) {
    return String.format(
        Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>",
        x1,
        y1,
        x2,
        y2,
        color);
  }

  private static String text(double x, double y, String t, String anchor) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>",
        x,
        y,
        anchor,
        esc(t));
  }

  static String esc(String s) {
    return s == null
        ? ""
        : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static String fmt(double v) {
    return v >= 100
        ? String.format(Locale.ROOT, "%.0f", v)
        : v >= 1 ? String.format(Locale.ROOT, "%.3g", v) : String.format(Locale.ROOT, "%.3g", v);
  }
}
