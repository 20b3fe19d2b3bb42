package dev.infercost.workflows;

import dev.infercost.base.Fmt;
import dev.infercost.gate.BenchResults;
import dev.infercost.gate.Measure;
import dev.infercost.profile.LatencyStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One self-contained HTML file (no scripts, no network) with inline SVG charts: latency
 * distribution per entry, cost per 1M inferences by hardware, and the cost–accuracy Pareto front.
 */
public final class HtmlReport {
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
        .append("(dark band: the 95% confidence interval of p50); whiskers: min to p99.</p>");
    b.append(latencyChart(run));
    b.append("<h2>Cost per 1M inferences by hardware</h2>");
    b.append("<p>").append(esc(costVerdict(r.entries()))).append("</p>");
    b.append(costChart(r.entries()));
    b.append("<h2>Cost and fidelity, per model</h2><p>Each entry at its cheapest hardware.")
        .append(" Filled points and the line: the Pareto front within the model (no other entry")
        .append(" of that model both cheaper and at least as good).</p>");
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
            .append(Fmt.sig(m.value(), 4))
            .append("</td><td>")
            .append(esc(m.unit()))
            .append("</td><td>")
            .append(how(m.provenance()))
            .append("</td></tr>");
      }
    }
    b.append("</table></body></html>\n");
    return b.toString();
  }

  /**
   * A provenance for a table cell: short ones whole; a long one (a projection's formula) by its
   * first clause, the whole text folded under it.
   */
  static String how(String provenance) {
    if (provenance.length() <= HOW_CHARS) {
      return esc(provenance);
    }
    int first = provenance.indexOf(": ");
    int second = first < 0 ? -1 : provenance.indexOf(": ", first + 2);
    String head =
        second > 0 && second <= HOW_CHARS
            ? provenance.substring(0, second)
            : Fmt.clip(provenance, HOW_CHARS + 1);
    return "<details><summary>" + esc(head) + "</summary>" + esc(provenance) + "</details>";
  }

  /** Longest provenance a table cell shows whole. */
  private static final int HOW_CHARS = 80;

  private static String page(String title, String intro) {
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
        + esc(title)
        + "</title><style>body{font-family:sans-serif;margin:24px;color:#222;max-width:960px}"
        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px}"
        + ".verdict{font-size:1.15em;font-weight:bold}</style></head><body><h1>"
        + esc(title)
        + "</h1><p class=\"verdict\">"
        + esc(intro)
        + "</p>";
  }

  /** The report for a fleet plan: the verdict, demand vs capacity per period, the report. */
  public static String plan(PlanReport r) {
    StringBuilder b = new StringBuilder(page("infercost plan", r.verdict()));
    var periods = r.plan().periods();
    double own = r.own().machine().throughputPerS();
    double cloud = r.cloud().machine().throughputPerS();
    double spot =
        r.cloud().machine().spot() == null
            ? 0
            : cloud * (1 - r.cloud().machine().spot().capacityLoss());
    List<Charts.Column> columns = new ArrayList<>();
    for (var p : periods) {
      columns.add(
          new Charts.Column(
              p.period().label(),
              new double[] {
                p.own() * own, p.reserved() * cloud, p.onDemand() * cloud, p.spot() * spot
              },
              p.period().demandQps()));
    }
    b.append("<h2>Demand and capacity per period</h2><p>Stacked columns: capacity of the owned,")
        .append(" reserved, on-demand and spot machines; line: demand.</p>");
    b.append(
        Charts.stacked(
            List.of("own", "reserved", "on-demand", "spot"),
            columns,
            "demand",
            "inferences/s",
            v -> Fmt.sig(v, 3)));
    b.append("<h2>Report</h2><pre>").append(esc(PlanMarkdown.render(r))).append("</pre>");
    return b.append("</body></html>\n").toString();
  }

  /**
   * The report for a choose run: the verdict, the cost–accuracy front of every priced (variant,
   * hardware) pair, the sensitivity as a tornado, the ranked table.
   */
  public static String choose(ChooseReport r) {
    StringBuilder b =
        new StringBuilder(page("infercost choose: " + r.model(), ChooseVerdict.of(r)));
    var ranked = r.result().ranked();
    if (!ranked.isEmpty()) {
      b.append("<h2>Cost ranges</h2><p>The cheapest options")
          .append(" (and the best measured here, where it ranks lower), each cost with its range;")
          .append(" red: the winner and the options tied with it (their ranges overlap).</p>");
      b.append(
          Charts.intervals(
              costIntervals(r.result()), "USD per 1M inferences (cheaper is left)", Fmt::usd));
      var front = r.result().paretoFront();
      List<Charts.Point> pts = new ArrayList<>();
      for (var c : ranked) {
        boolean label = front.contains(c) || c == ranked.get(0);
        pts.add(
            new Charts.Point(
                label ? c.row().variant() + " @ " + c.row().hardwareId() : "",
                c.costPerMillionUsd(),
                c.row().accuracyDrop(),
                !ChooseVerdict.measured(c),
                c.costPerMillionRangeUsd().low(),
                c.costPerMillionRangeUsd().high()));
      }
      b.append("<h2>Cost and accuracy</h2><p>Best operating point of every priced (variant,")
          .append(" hardware) pair; filled points and the line: the Pareto front (labelled, with")
          .append(" the winner). Hollow points are beaten on both cost and accuracy. Bars: each")
          .append(" cost's range; points whose bars overlap the winner's are tied with it.</p>");
      b.append(
          Charts.front(
              r.model() + ": " + r.bound().measure() + " vs cost per 1M inferences",
              pts,
              "USD per 1M inferences",
              Fmt::usd,
              r.bound().measure() + " vs the input",
              v -> Fmt.sig(v, 3),
              false));
    }
    if (r.sensitivity() != null) {
      List<Charts.Swing> swings = new ArrayList<>();
      for (var bp : ChooseMarkdown.breakpoints(r.sensitivity())) {
        if (bp.lower() != null && Double.isNaN(bp.lower().changePercent())
            || bp.upper() != null && Double.isNaN(bp.upper().changePercent())) {
          continue;
        }
        double lo = bp.lower() == null ? -100 : Math.max(-100, bp.lower().changePercent());
        double hi = bp.upper() == null ? 100 : Math.min(100, bp.upper().changePercent());
        swings.add(
            new Charts.Swing(
                bp.parameter(),
                lo,
                hi,
                bp.lower() == null ? "holds" : shortWho(bp.lower()),
                bp.upper() == null ? "holds" : shortWho(bp.upper())));
      }
      if (!swings.isEmpty()) {
        b.append("<h2>Sensitivity</h2><p>How far each input can move (percent of its value,")
            .append(" shown within ±100%) before the winner changes, and to what; \"holds\": no")
            .append(" change in that direction. A short bar is a fragile choice.</p>");
        b.append(Charts.tornado(swings, 0, "change of the input, %", v -> Fmt.sig(v, 3) + "%"));
      }
    }
    b.append("<h2>Ranked</h2><table><tr><th>#</th><th>variant</th><th>hardware</th><th>batch</th>")
        .append("<th>p99 ms</th><th>inferences/s</th><th>USD per 1M</th><th>")
        .append(esc(r.bound().measure()))
        .append("</th>")
        .append("<th>how</th></tr>");
    int i = 1;
    for (var c : ranked) {
      b.append("<tr><td>")
          .append(ChooseVerdict.rank(r.result(), i++, c))
          .append("</td><td>")
          .append(esc(c.row().variant()))
          .append("</td><td>")
          .append(esc(c.row().hardwareId()))
          .append("</td><td>")
          .append(c.row().batch())
          .append("</td><td>")
          .append(Fmt.sig(c.row().p99Ms()))
          .append("</td><td>")
          .append(ChooseVerdict.throughput(c.row()))
          .append("</td><td>")
          .append(ChooseVerdict.cost(c))
          .append("</td><td>")
          .append(Fmt.sig(c.row().accuracyDrop()))
          .append("</td><td>")
          .append(ChooseVerdict.measured(c) ? "measured" : "estimated")
          .append("</td></tr>");
    }
    return b.append("</table><p>")
        .append(esc(ChooseVerdict.RANGES))
        .append("</p></body></html>\n")
        .toString();
  }

  /** Options shown in the cost-range chart: the first ones ranked, then the best measured. */
  static final int INTERVAL_ROWS = 15;

  private static List<Charts.Interval> costIntervals(dev.infercost.cost.Optimizer.Result result) {
    var ranked = result.ranked();
    var ties = result.tiedWithWinner();
    List<dev.infercost.cost.Optimizer.Candidate> shown =
        new ArrayList<>(ranked.subList(0, Math.min(INTERVAL_ROWS, ranked.size())));
    ranked.stream()
        .filter(ChooseVerdict::measured)
        .findFirst()
        .filter(m -> !shown.contains(m))
        .ifPresent(shown::add);
    List<Charts.Interval> out = new ArrayList<>();
    for (var c : shown) {
      out.add(
          new Charts.Interval(
              ChooseVerdict.rank(result, ranked.indexOf(c) + 1, c)
                  + " "
                  + c.row().variant()
                  + " on "
                  + c.row().hardwareId()
                  + ", batch "
                  + c.row().batch(),
              c.costPerMillionUsd(),
              c.costPerMillionRangeUsd().low(),
              c.costPerMillionRangeUsd().high(),
              !ChooseVerdict.measured(c),
              ties.contains(c),
              c == ranked.get(0)));
    }
    return out;
  }

  private static String shortWho(dev.infercost.cost.Sensitivity.Bound b) {
    return Fmt.clip(ChooseMarkdown.who(b), 26);
  }

  /**
   * The report for a compress run: the verdict and next step, size and latency of both models as
   * bars, the latency distributions, the passes by op type.
   */
  public static String compress(CompressReport r) {
    StringBuilder b = new StringBuilder(page("infercost compress: " + r.method(), r.headline()));
    if (r.nextStep() != null) {
      b.append("<p>Next step: ").append(esc(r.nextStep())).append(".</p>");
    }
    String in = CompressMarkdown.inputLabel(r);
    String out = CompressMarkdown.outputLabel(r);
    b.append("<h2>Size</h2>");
    b.append(
        Charts.groupedBars(
            List.of(
                new Charts.Bar("file size", in, r.input().bytes(), false),
                new Charts.Bar("file size", out, r.output().bytes(), false)),
            "bytes",
            v -> Fmt.si(v) + "B",
            null,
            false));
    if (r.latency() != null) {
      var l = r.latency();
      b.append("<h2>Latency</h2><p>").append(esc(l.method())).append(".</p>");
      b.append(
          Charts.boxes(List.of(box(in, l.before()), box(out, l.after())), "latency per call, ms"));
    }
    b.append("<h2>What the passes did</h2><table><tr><th>op type</th><th>nodes</th>")
        .append("<th>rewritten</th><th>left as is</th><th>why left (nodes)</th></tr>");
    for (OpTable.Row o : r.byOpType()) {
      b.append("<tr><td>")
          .append(esc(o.opType()))
          .append("</td><td>")
          .append(o.nodes())
          .append("</td><td>")
          .append(o.rewritten())
          .append("</td><td>")
          .append(o.leftAsIs())
          .append("</td><td>");
      o.reasons().forEach((k, v) -> b.append(esc(k)).append(" (").append(v).append(")<br>"));
      b.append("</td></tr>");
    }
    return b.append("</table></body></html>\n").toString();
  }

  private static Charts.Box box(String label, LatencyStats l) {
    return new Charts.Box(
        label,
        l.min(),
        l.p50(),
        l.ciLow(),
        l.ciHigh(),
        l.p90(),
        l.p99(),
        "n=" + l.samples() + (l.noisy() ? ", noisy" : ""));
  }

  /** The cheapest (entry, hardware), and the cheapest measured one when that is estimated. */
  static String costVerdict(List<BenchResults.Entry> entries) {
    BenchResults.Entry best = null;
    BenchResults.Metric bestCost = null;
    BenchResults.Entry measured = null;
    BenchResults.Metric measuredCost = null;
    for (var e : entries) {
      for (var m : e.metrics()) {
        if (Measure.costHardware(m.name()).isEmpty() || !(m.value() > 0)) {
          continue;
        }
        if (bestCost == null || m.value() < bestCost.value()) {
          best = e;
          bestCost = m;
        }
        boolean est = m.provenance() != null && m.provenance().startsWith("estimated");
        if (!est && (measuredCost == null || m.value() < measuredCost.value())) {
          measured = e;
          measuredCost = m;
        }
      }
    }
    if (best == null) {
      return "Nothing priced.";
    }
    boolean est = bestCost.provenance() != null && bestCost.provenance().startsWith("estimated");
    String s =
        "Cheapest: "
            + best.name()
            + " on "
            + Measure.costHardware(bestCost.name()).orElseThrow()
            + ", "
            + Fmt.usd(bestCost.value())
            + " per 1M inferences ("
            + (est ? "estimated" : "measured");
    if (est && measured != null) {
      s +=
          "; cheapest measured here: "
              + measured.name()
              + " on "
              + Measure.costHardware(measuredCost.name()).orElseThrow()
              + ", "
              + Fmt.usd(measuredCost.value());
    }
    return s + ").";
  }

  static String latencyChart(BenchRun run) {
    List<Charts.Box> boxes = new ArrayList<>();
    for (var e : run.results().entries()) {
      boxes.add(box(e.name(), run.detail(e).latency()));
    }
    return boxes.isEmpty() ? "<p>No entries.</p>" : Charts.boxes(boxes, "latency per call, ms");
  }

  static String costChart(List<BenchResults.Entry> entries) {
    List<Charts.Bar> bars = new ArrayList<>();
    for (var e : entries) {
      for (var m : e.metrics()) {
        Optional<String> hardware = Measure.costHardware(m.name());
        if (hardware.isPresent() && m.value() > 0) {
          bars.add(
              new Charts.Bar(
                  e.name(),
                  hardware.get(),
                  m.value(),
                  m.provenance() != null && m.provenance().startsWith("estimated")));
        }
      }
    }
    if (bars.isEmpty()) {
      return "<p>No hardware priced (add <code>hardware:</code> to the suite).</p>";
    }
    return Charts.groupedBars(bars, Measure.COST_UNIT, Fmt::usd);
  }

  /** One cost–fidelity chart per model: entries of different models are not comparable. */
  static String paretoChart(List<BenchResults.Entry> entries) {
    Map<String, List<BenchResults.Entry>> byModel = new LinkedHashMap<>();
    for (var e : entries) {
      String model = e.model() != null ? e.model() : e.name().replaceFirst("/.*", "");
      byModel.computeIfAbsent(model, k -> new ArrayList<>()).add(e);
    }
    StringBuilder b = new StringBuilder();
    for (var m : byModel.entrySet()) {
      List<BenchResults.Entry> priced =
          m.getValue().stream().filter(e -> cheapest(e).isPresent()).toList();
      // One metric per axis: top-1 accuracy when every priced entry has it, else fidelity.
      Measure metric =
          !priced.isEmpty()
                  && priced.stream().allMatch(e -> e.metric(Measure.ACCURACY.id()).isPresent())
              ? Measure.ACCURACY
              : Measure.FIDELITY_COSINE;
      List<Charts.Point> pts = new ArrayList<>();
      List<String> left = new ArrayList<>();
      for (var e : m.getValue()) {
        var cost = cheapest(e);
        var y = e.metric(metric.id());
        if (cost.isPresent() && y.isPresent()) {
          pts.add(
              new Charts.Point(
                  shortName(e, m.getKey()),
                  cost.get().value(),
                  y.get().value(),
                  cost.get().provenance() != null
                      && cost.get().provenance().startsWith("estimated")));
        } else {
          left.add(
              e.name() + (cost.isEmpty() ? " (not priced)" : " (no " + metric.id() + " metric)"));
        }
      }
      b.append("<h3>").append(esc(m.getKey())).append("</h3>");
      if (pts.isEmpty()) {
        b.append("<p>Nothing to plot: needs a cost and an accuracy or fidelity metric.</p>");
      } else {
        b.append(
            Charts.front(
                m.getKey()
                    + ": "
                    + (metric == Measure.ACCURACY ? "top-1 accuracy" : "fidelity")
                    + " vs cost at each entry's cheapest hardware",
                pts,
                Measure.COST_UNIT,
                Fmt::usd,
                metric == Measure.ACCURACY
                    ? "top-1 accuracy (fraction of labelled samples)"
                    : "mean cosine to the fp32 outputs",
                v -> Fmt.sig(v, 4),
                true));
      }
      if (!left.isEmpty()) {
        b.append("<p>Not plotted: ").append(esc(String.join(", ", left))).append(".</p>");
      }
    }
    return b.toString();
  }

  private static Optional<BenchResults.Metric> cheapest(BenchResults.Entry e) {
    return e.metrics().stream()
        .filter(m -> Measure.costHardware(m.name()).isPresent() && m.value() > 0)
        .min(java.util.Comparator.comparingDouble(BenchResults.Metric::value));
  }

  /** The entry's name without its model's prefix, with the cheapest hardware. */
  private static String shortName(BenchResults.Entry e, String model) {
    String n = e.name().startsWith(model + "/") ? e.name().substring(model.length() + 1) : e.name();
    return n + " @ " + Measure.costHardware(cheapest(e).orElseThrow().name()).orElseThrow();
  }

  static String esc(String s) {
    return s == null
        ? ""
        : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
