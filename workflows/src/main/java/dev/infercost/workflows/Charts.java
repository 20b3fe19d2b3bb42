package dev.infercost.workflows;

import dev.infercost.base.Fmt;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * Inline SVG charts for the HTML reports (no scripts, no network): grouped bars, a cost–fidelity
 * front, latency boxes and a tornado. Every label is placed from an estimate of its width ({@link
 * #CHAR_WIDTH}), so tick labels that would touch are dropped and labels stay inside the canvas; the
 * test checks both on the SVG itself.
 */
final class Charts {
  /** Canvas width in pixels. */
  static final int WIDTH = 900;

  /** Font size of every label, pixels. */
  static final int FONT = 12;

  /**
   * An upper estimate of one character's advance at {@link #FONT}: DejaVu Sans (Chromium's usual
   * sans-serif on Linux) advances digits by 0.636 em, 7.6 px at 12 px.
   */
  static final double CHAR_WIDTH = 7.6;

  private static final String[] COLORS = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"
  };
  private static final String CSS =
      "<style>text{font-family:'DejaVu Sans',sans-serif;font-size:"
          + FONT
          + "px;fill:#222}.b{font-weight:bold}.m{fill:#555}</style>";

  private Charts() {}

  /** The width {@code t} takes at {@link #FONT}, an upper estimate. */
  static double width(String t) {
    return t.length() * CHAR_WIDTH;
  }

  /**
   * One bar: {@code value} of {@code label} within {@code group}.
   *
   * @param estimated drawn hatched and light, not solid
   */
  record Bar(String group, String label, double value, boolean estimated) {}

  /**
   * Horizontal bars grouped by {@link Bar#group}, one colour per {@link Bar#label} (legend on top),
   * measured solid and estimated light with a dashed outline, the smallest value marked {@code
   * cheapest}, on a log axis when the values span more than 20×.
   */
  static String groupedBars(List<Bar> bars, String axisTitle, DoubleFunction<String> fmt) {
    return groupedBars(bars, axisTitle, fmt, "cheapest", true);
  }

  /**
   * Grouped bars as above; the smallest value is marked {@code best} (none when null), and the
   * measured/estimated legend and labels are drawn only with {@code provenance}.
   */
  static String groupedBars(
      List<Bar> bars,
      String axisTitle,
      DoubleFunction<String> fmt,
      String best,
      boolean provenance) {
    Map<String, String> colour = new LinkedHashMap<>();
    bars.forEach(
        b -> colour.computeIfAbsent(b.label(), k -> COLORS[colour.size() % COLORS.length]));
    Map<String, List<Bar>> groups = new LinkedHashMap<>();
    bars.forEach(b -> groups.computeIfAbsent(b.group(), k -> new ArrayList<>()).add(b));
    Bar min = bars.stream().min(Comparator.comparingDouble(Bar::value)).orElseThrow();
    double lo = min.value();
    double hi = bars.stream().mapToDouble(Bar::value).max().orElseThrow();
    double labelW =
        Math.min(260, 16 + bars.stream().mapToDouble(b -> width(b.label())).max().orElse(60));
    double left = 16 + labelW;
    String longest = fmt.apply(hi) + " estimated · cheapest";
    double right = WIDTH - 16 - width(longest);
    boolean log = hi / lo > 20;
    Scale x =
        log
            ? Scale.log(lowerNice(lo / 2), hi, left, right)
            : Scale.linear(0, hi * 1.05, left, right);
    int rowH = 20;
    int legendH = 44;
    int h = legendH + groups.size() * 22 + bars.size() * rowH + 56;
    Svg s = new Svg(h);
    double lx = 16;
    for (var c : colour.entrySet()) {
      s.rect(lx, 8, 12, 12, c.getValue(), false);
      s.text(lx + 16, 18, c.getKey(), "start", null);
      lx += 16 + width(c.getKey()) + 18;
    }
    if (provenance) {
      s.rect(16, 28, 12, 12, "#888", false);
      s.text(32, 38, "measured here", "start", null);
      s.rect(148, 28, 12, 12, "#888", true);
      s.text(164, 38, "estimated (projected from this host)", "start", null);
    }
    double y = legendH + 6;
    for (var g : groups.entrySet()) {
      s.text(8, y + 14, g.getKey(), "start", "b");
      y += 22;
      for (Bar b : g.getValue()) {
        s.text(24, y + 13, b.label(), "start", null);
        double end = Math.max(x.at(b.value()), left + 1);
        s.rect(left, y + 3, end - left, 13, colour.get(b.label()), b.estimated());
        boolean marked = b == min && best != null;
        s.text(
            end + 5,
            y + 13,
            fmt.apply(b.value())
                + (provenance ? (b.estimated() ? " estimated" : " measured") : "")
                + (marked ? " · " + best : ""),
            "start",
            marked ? "b" : null);
        y += rowH;
      }
    }
    s.xAxis(x, y + 8, axisTitle + (log ? ", log scale" : ""), fmt);
    return s.close();
  }

  /**
   * A point of a front: {@code label} (none when empty) at ({@code x}, {@code y}), with {@code x}'s
   * range drawn as an error bar from {@code xLow} to {@code xHigh} (none when they equal {@code
   * x}).
   */
  record Point(String label, double x, double y, boolean estimated, double xLow, double xHigh) {
    /** A point without a range. */
    Point(String label, double x, double y, boolean estimated) {
      this(label, x, y, estimated, x, x);
    }
  }

  /**
   * One model's cost–fidelity chart: {@code x} on a log axis (cheaper left), {@code y} linear with
   * better up, ticks on both, and the Pareto front (no other point both cheaper and at least as
   * good) joined by a line and drawn filled; the others hollow.
   */
  static String front(
      String title,
      List<Point> pts,
      String xTitle,
      DoubleFunction<String> xFmt,
      String yTitle,
      DoubleFunction<String> yFmt,
      boolean higherIsBetter) {
    int h = 320;
    double xLo = pts.stream().mapToDouble(Point::xLow).min().orElseThrow();
    double xHi = pts.stream().mapToDouble(Point::xHigh).max().orElseThrow();
    double yLo = pts.stream().mapToDouble(Point::y).min().orElseThrow();
    double yHi = pts.stream().mapToDouble(Point::y).max().orElseThrow();
    double pad = Math.max((yHi - yLo) * 0.15, Math.max(Math.abs(yHi) * 1e-3, 1e-3));
    // Better is always up: a lower-is-better metric runs downwards.
    Scale ys =
        higherIsBetter
            ? Scale.linear(yLo - pad, yHi + pad, h - 60, 40)
            : Scale.linear(yHi + pad, yLo - pad, h - 60, 40);
    List<Tick> yt = ys.ticks(yFmt, true);
    double left = 16 + yt.stream().mapToDouble(t -> width(t.label())).max().orElse(40) + 10;
    Scale xs = Scale.log(lowerNice(xLo / 1.5), upperNice(xHi * 1.5), left, WIDTH - 24);
    Svg s = new Svg(h);
    s.text(8, 16, title, "start", "b");
    s.text(
        left,
        32,
        yTitle + (higherIsBetter ? " (higher is better)" : " (lower is better, drawn up)"),
        "start",
        "m");
    s.yAxis(ys, left, yt);
    s.xAxis(xs, h - 50, xTitle + ", log scale (cheaper is left)", xFmt);
    List<Point> front = new ArrayList<>();
    pts.stream()
        .sorted(Comparator.comparingDouble(Point::x).thenComparing(p -> -p.y()))
        .forEach(
            p -> {
              if (front.isEmpty()
                  || (higherIsBetter
                      ? p.y() > front.get(front.size() - 1).y()
                      : p.y() < front.get(front.size() - 1).y())) {
                front.add(p);
              }
            });
    if (front.size() > 1) {
      StringBuilder d = new StringBuilder();
      for (Point p : front) {
        d.append(d.length() == 0 ? "M" : " L")
            .append(String.format(Locale.ROOT, "%.1f %.1f", xs.at(p.x()), ys.at(p.y())));
      }
      s.raw(
          "<path class=\"front\" d=\""
              + d
              + "\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.5\"/>");
    }
    List<double[]> taken = new ArrayList<>();
    for (Point p : pts) {
      double px = xs.at(p.x());
      double py = ys.at(p.y());
      boolean on = front.contains(p);
      if (p.xLow() < p.x() || p.xHigh() > p.x()) {
        // The range as an error bar with end caps, under the point.
        s.rangeBar(
            xs.at(p.xLow()), xs.at(p.xHigh()), py, on ? "#d62728" : "#1f77b4", " opacity=\"0.7\"");
      }
      s.raw(
          String.format(
              Locale.ROOT,
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\" stroke=\"%s\" stroke-width=\"2\"/>",
              px,
              py,
              on ? "#d62728" : "#fff",
              on ? "#d62728" : "#1f77b4"));
      taken.add(new double[] {px - 7, py - 7, px + 7, py + 7});
    }
    // Labels after every point, so that none is drawn over another's label.
    for (Point p : pts) {
      if (p.label().isEmpty()) {
        continue;
      }
      String label = p.label() + (p.estimated() ? " (est.)" : "");
      s.place(label, xs.at(p.x()), ys.at(p.y()), left, h - 50, taken);
    }
    return s.close();
  }

  /**
   * One option's figure with its range: {@code value} within [{@code low}, {@code high}].
   *
   * @param estimated drawn hollow, not filled
   * @param tied drawn in the winner's colour: its range overlaps the winner's
   * @param winner the option the band is drawn for (one per chart)
   */
  record Interval(
      String label,
      double value,
      double low,
      double high,
      boolean estimated,
      boolean tied,
      boolean winner) {}

  /**
   * One row per interval on a shared log axis: the range as a line with end caps, the figure as a
   * dot (filled measured, hollow estimated), and the winner's range as a shaded band through every
   * row, so the rows whose lines reach into it — the ties — are seen at a glance; labels left, the
   * figure right.
   */
  static String intervals(List<Interval> rows, String axisTitle, DoubleFunction<String> fmt) {
    double lo = rows.stream().mapToDouble(Interval::low).min().orElseThrow();
    double hi = rows.stream().mapToDouble(Interval::high).max().orElseThrow();
    double labelW =
        Math.min(300, 16 + rows.stream().mapToDouble(r -> width(r.label())).max().orElse(60));
    double left = 16 + labelW;
    double valueW =
        rows.stream()
            .mapToDouble(r -> width(fmt.apply(r.value()) + (r.estimated() ? " est." : "")))
            .max()
            .orElse(60);
    double right = WIDTH - 24 - valueW;
    Scale x = Scale.log(lowerNice(lo / 1.2), upperNice(hi * 1.2), left, right);
    int rowH = 20;
    int top = 40;
    int h = top + rows.size() * rowH + 56;
    Svg s = new Svg(h);
    s.text(
        16,
        16,
        "filled: measured here · hollow: estimated · band: the winner's range",
        "start",
        "m");
    rows.stream()
        .filter(Interval::winner)
        .findFirst()
        .ifPresent(
            w ->
                s.raw(
                    String.format(
                        Locale.ROOT,
                        "<rect class=\"band\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\""
                            + " fill=\"#d62728\" fill-opacity=\"0.12\"/>",
                        x.at(w.low()),
                        top - 4,
                        Math.max(1, x.at(w.high()) - x.at(w.low())),
                        rows.size() * rowH + 4)));
    double y = top;
    for (Interval r : rows) {
      String c = r.winner() || r.tied() ? "#d62728" : "#1f77b4";
      double cy = y + rowH / 2.0;
      s.text(16, cy + 4, r.label(), "start", r.winner() ? "b" : null);
      s.rangeBar(x.at(r.low()), x.at(r.high()), cy, c, "");
      s.raw(
          String.format(
              Locale.ROOT,
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" stroke=\"%s\""
                  + " stroke-width=\"2\"/>",
              x.at(r.value()),
              cy,
              r.estimated() ? "#fff" : c,
              c));
      s.text(
          right + 8,
          cy + 4,
          fmt.apply(r.value()) + (r.estimated() ? " est." : ""),
          "start",
          r.winner() ? "b" : null);
      y += rowH;
    }
    s.xAxis(x, y + 8, axisTitle + ", log scale", fmt);
    return s.close();
  }

  /** A latency distribution: min, p50 with its CI, p90, p99 (ms). */
  record Box(
      String label,
      double min,
      double p50,
      double ciLow,
      double ciHigh,
      double p90,
      double p99,
      String note) {}

  /**
   * One row per box on a shared log axis: whisker min–p99, box p50–p90, the p50 CI dark; the label
   * left, the p50 and the note in a column right.
   */
  static String boxes(List<Box> boxes, String axisTitle) {
    double lo = boxes.stream().mapToDouble(Box::min).min().orElseThrow();
    double hi = boxes.stream().mapToDouble(Box::p99).max().orElseThrow();
    double left =
        16 + Math.min(280, boxes.stream().mapToDouble(b -> width(b.label())).max().orElse(60));
    double noteW = boxes.stream().mapToDouble(b -> width(boxNote(b))).max().orElse(100);
    double right = WIDTH - 16 - noteW - 12;
    Scale x = Scale.log(lowerNice(lo), upperNice(hi), left, right);
    int rowH = 30;
    int h = 16 + rowH * boxes.size() + 56;
    Svg s = new Svg(h);
    double y = 12;
    int i = 0;
    for (Box b : boxes) {
      String c = COLORS[i++ % COLORS.length];
      double mid = y + rowH / 2.0;
      s.text(8, mid + 4, b.label(), "start", null);
      s.raw(line(x.at(b.min()), mid, x.at(b.p99()), mid, "#555"));
      s.raw(line(x.at(b.min()), mid - 5, x.at(b.min()), mid + 5, "#555"));
      s.raw(line(x.at(b.p99()), mid - 5, x.at(b.p99()), mid + 5, "#555"));
      s.raw(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" fill=\"%s\""
                  + " fill-opacity=\"0.3\" stroke=\"%s\"/>",
              x.at(b.p50()),
              mid - 7,
              Math.max(1, x.at(b.p90()) - x.at(b.p50())),
              c,
              c));
      s.raw(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" fill=\"%s\"/>",
              x.at(b.ciLow()) - 1,
              mid - 7,
              Math.max(2, x.at(b.ciHigh()) - x.at(b.ciLow())),
              c));
      s.text(WIDTH - 16, mid + 4, boxNote(b), "end", null);
      y += rowH;
    }
    s.xAxis(x, y + 8, axisTitle + ", log scale", v -> Fmt.sig(v));
    return s.close();
  }

  private static String boxNote(Box b) {
    return "p50 " + Fmt.sig(b.p50()) + " ms" + (b.note().isEmpty() ? "" : " · " + b.note());
  }

  /**
   * One swing: how far a figure moves ({@code low} and {@code high}, same unit as {@code base})
   * when {@code label}'s input moves down and up.
   */
  record Swing(String label, double low, double high, String lowNote, String highNote) {}

  /**
   * A tornado: one bar per swing from its low to its high outcome around {@code base} (a vertical
   * line), the narrowest (the most fragile input) on top.
   */
  static String tornado(
      List<Swing> swings, double base, String axisTitle, DoubleFunction<String> fmt) {
    List<Swing> sorted =
        swings.stream()
            .sorted(Comparator.comparingDouble((Swing w) -> Math.abs(w.high() - w.low())))
            .toList();
    double lo =
        Math.min(
            base, sorted.stream().mapToDouble(w -> Math.min(w.low(), w.high())).min().orElse(base));
    double hi =
        Math.max(
            base, sorted.stream().mapToDouble(w -> Math.max(w.low(), w.high())).max().orElse(base));
    double pad = Math.max((hi - lo) * 0.08, Math.abs(base) * 0.01 + 1e-12);
    double left =
        16 + Math.min(300, sorted.stream().mapToDouble(w -> width(w.label())).max().orElse(60));
    double noteW =
        sorted.stream()
            .mapToDouble(w -> Math.max(width(w.lowNote()), width(w.highNote())))
            .max()
            .orElse(0);
    Scale x = Scale.linear(lo - pad, hi + pad, left + noteW + 8, WIDTH - 16 - noteW - 8);
    int rowH = 24;
    int h = 36 + rowH * sorted.size() + 56;
    Svg s = new Svg(h);
    s.text(x.at(base), 16, "base " + fmt.apply(base), "middle", "m");
    double y = 26;
    for (Swing w : sorted) {
      double a = x.at(Math.min(w.low(), w.high()));
      double b = x.at(Math.max(w.low(), w.high()));
      s.text(8, y + 15, w.label(), "start", null);
      s.raw(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" fill=\"#1f77b4\""
                  + " fill-opacity=\"0.6\"/>",
              a,
              y + 4,
              Math.max(1.5, b - a)));
      boolean lowLeft = w.low() <= w.high();
      s.text(a - 4, y + 15, lowLeft ? w.lowNote() : w.highNote(), "end", "m");
      s.text(b + 4, y + 15, lowLeft ? w.highNote() : w.lowNote(), "start", "m");
      y += rowH;
    }
    s.raw(line(x.at(base), 22, x.at(base), y, "#222"));
    s.xAxis(x, y + 8, axisTitle, fmt);
    return s.close();
  }

  /**
   * One column of a stacked chart: its parts (in the order of the part names) and the line's value
   * there.
   */
  record Column(String label, double[] parts, double line) {}

  /**
   * Stacked columns, one per entry of {@code columns} (periods, in order), each part in its own
   * colour, with a step line across them ({@code lineName}) and a legend; the y axis from 0 with
   * ticks labelled by {@code fmt}.
   */
  static String stacked(
      List<String> partNames,
      List<Column> columns,
      String lineName,
      String axisTitle,
      DoubleFunction<String> fmt) {
    double hi = 1;
    for (Column c : columns) {
      double sum = 0;
      for (double v : c.parts()) {
        sum += v;
      }
      hi = Math.max(hi, Math.max(sum, c.line()));
    }
    int height = 340;
    double top = 24;
    double bottom = height - 50;
    double left = 80;
    Scale y = Scale.linear(0, upperNice(hi * 1.05), bottom, top);
    Svg s = new Svg(height);
    s.yAxis(y, left, y.ticks(fmt, true));
    s.raw(line(left, bottom, WIDTH - 24, bottom, "#333"));
    double w = (WIDTH - 24 - left) / Math.max(1, columns.size());
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      Column c = columns.get(i);
      double x = left + i * w;
      double base = 0;
      for (int k = 0; k < c.parts().length; k++) {
        double v = c.parts()[k];
        if (v > 0) {
          s.raw(
              String.format(
                  Locale.ROOT,
                  "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\""
                      + " fill=\"%s\"><title>%s: %s %s</title></rect>",
                  x,
                  y.at(base + v),
                  Math.max(0.5, w - (w > 3 ? 1 : 0)),
                  y.at(base) - y.at(base + v),
                  COLORS[k % COLORS.length],
                  HtmlReport.esc(c.label()),
                  HtmlReport.esc(partNames.get(k)),
                  fmt.apply(v)));
          base += v;
        }
      }
      path.append(path.length() == 0 ? "M" : " L")
          .append(String.format(Locale.ROOT, "%.2f %.2f", x, y.at(c.line())))
          .append(String.format(Locale.ROOT, " L%.2f %.2f", x + w, y.at(c.line())));
    }
    s.raw("<path d=\"" + path + "\" fill=\"none\" stroke=\"#000\" stroke-width=\"1.5\"/>");
    double lx = left;
    for (int k = 0; k < partNames.size(); k++) {
      s.rect(lx, height - 22, 10, 10, COLORS[k % COLORS.length], false);
      s.text(lx + 14, height - 13, partNames.get(k), "start", null);
      lx += 24 + width(partNames.get(k));
    }
    s.raw(line(lx, height - 17, lx + 10, height - 17, "#000"));
    s.text(lx + 14, height - 13, lineName, "start", null);
    s.text(left, top - 8, axisTitle, "start", "m");
    s.text(WIDTH - 24, bottom + 16, columns.size() + " periods", "end", "m");
    return s.close();
  }

  /** A tick: its value's pixel and its label. */
  record Tick(double at, String label) {}

  /** Maps values to pixels, linear or log10, and picks ticks whose labels do not touch. */
  record Scale(double lo, double hi, double from, double to, boolean log) {
    static Scale log(double lo, double hi, double from, double to) {
      double l = Math.max(lo, 1e-12);
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

    /**
     * Ticks labelled by {@code fmt}: on a log axis 1, 2 and 5 per decade, powers of ten first; on a
     * linear one a 1-2-5 step giving about six. A tick is kept only when its label fits the canvas
     * and keeps 8 px from every kept one ({@code vertical}: 16 px of height).
     */
    List<Tick> ticks(DoubleFunction<String> fmt, boolean vertical) {
      List<double[]> candidates = new ArrayList<>(); // value, priority
      if (log) {
        for (double d = Math.pow(10, Math.floor(Math.log10(lo))); d <= hi * 1.0001; d *= 10) {
          int p = 0;
          for (int m : new int[] {1, 5, 2}) {
            double v = d * m;
            if (v >= lo * 0.9999 && v <= hi * 1.0001) {
              candidates.add(new double[] {v, p});
            }
            p++;
          }
        }
      } else {
        double raw = Math.abs(hi - lo) / 6;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step =
            raw / mag < 1.5
                ? mag
                : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
        double min = Math.min(lo, hi);
        double max = Math.max(lo, hi);
        for (double v = Math.ceil(min / step) * step; v <= max + step * 1e-6; v += step) {
          candidates.add(new double[] {Math.abs(v) < step * 1e-9 ? 0 : v, 0});
        }
      }
      DoubleFunction<String> label = fmt;
      if (!log && candidates.size() > 1) {
        // The formatter's figures may not tell neighbours apart: then as many as the step needs.
        double step = Math.abs(candidates.get(1)[0] - candidates.get(0)[0]);
        long distinct = candidates.stream().map(c -> fmt.apply(c[0])).distinct().count();
        if (distinct < candidates.size()) {
          int figures =
              (int) Math.floor(Math.log10(Math.max(Math.abs(lo), Math.abs(hi))))
                  - (int) Math.floor(Math.log10(step))
                  + 1;
          String prefix = fmt.apply(hi).startsWith("$") ? "$" : "";
          label = v -> prefix + Fmt.sig(v, Math.max(1, figures));
        }
      }
      candidates.sort(Comparator.comparingDouble((double[] c) -> c[1]));
      List<Tick> kept = new ArrayList<>();
      for (double[] c : candidates) {
        Tick t = new Tick(at(c[0]), label.apply(c[0]));
        boolean inside =
            vertical
                || (t.at() - width(t.label()) / 2 >= 2
                    && t.at() + width(t.label()) / 2 <= WIDTH - 2);
        boolean clear =
            inside
                && kept.stream()
                    .allMatch(
                        k ->
                            vertical
                                ? Math.abs(k.at() - t.at()) >= FONT + 4
                                : Math.abs(k.at() - t.at())
                                    >= (width(k.label()) + width(t.label())) / 2 + 8);
        if (clear) {
          kept.add(t);
        }
      }
      kept.sort(Comparator.comparingDouble(Tick::at));
      return kept;
    }
  }

  /** The largest 1, 2 or 5 × 10^k at or below {@code v}. */
  static double lowerNice(double v) {
    double d = Math.pow(10, Math.floor(Math.log10(v)));
    return v >= 5 * d ? 5 * d : v >= 2 * d ? 2 * d : d;
  }

  /** The smallest 1, 2 or 5 × 10^k at or above {@code v}. */
  static double upperNice(double v) {
    double d = Math.pow(10, Math.floor(Math.log10(v)));
    return v <= d ? d : v <= 2 * d ? 2 * d : v <= 5 * d ? 5 * d : 10 * d;
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

  /** An SVG document being drawn. */
  private static final class Svg {
    private final int height;
    private final StringBuilder b = new StringBuilder();

    Svg(int height) {
      this.height = height;
    }

    void raw(String s) {
      b.append(s);
    }

    void text(double x, double y, String t, String anchor, String cls) {
      b.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>%s</text>",
              x,
              y,
              anchor,
              cls == null ? "" : " class=\"" + cls + "\"",
              HtmlReport.esc(t)));
    }

    void rect(double x, double y, double w, double h, String colour, boolean estimated) {
      b.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"%s/>",
              x,
              y,
              Math.max(1, w),
              h,
              colour,
              estimated
                  ? " fill-opacity=\"0.25\" stroke=\"" + colour + "\" stroke-dasharray=\"3,2\""
                  : ""));
    }

    /** A range from {@code a} to {@code b} at height {@code y}, with end caps. */
    void rangeBar(double a, double b, double y, String colour, String attributes) {
      raw(
          String.format(
              Locale.ROOT,
              "<g class=\"range\" stroke=\"%s\" stroke-width=\"1.4\"%s>%s%s%s</g>",
              colour,
              attributes,
              line(a, y, b, y, colour),
              line(a, y - 4, a, y + 4, colour),
              line(b, y - 4, b, y + 4, colour)));
    }

    /** A horizontal axis at {@code y}: line, ticks, labels below, title under them. */
    void xAxis(Scale x, double y, String title, DoubleFunction<String> fmt) {
      raw(line(x.from(), y, x.to(), y, "#333"));
      for (Tick t : x.ticks(fmt, false)) {
        raw(line(t.at(), y, t.at(), y + 4, "#333"));
        text(t.at(), y + 17, t.label(), "middle", "tick");
      }
      text((x.from() + x.to()) / 2, y + 36, title, "middle", "m");
    }

    /** A vertical axis at {@code x}, with grid lines across. */
    void yAxis(Scale y, double x, List<Tick> ticks) {
      raw(line(x, y.from(), x, y.to(), "#333"));
      for (Tick t : ticks) {
        raw(line(x - 4, t.at(), x, t.at(), "#333"));
        raw(
            String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>",
                x + 1,
                t.at(),
                WIDTH - 24,
                t.at()));
        text(x - 7, t.at() + 4, t.label(), "end", "tick");
      }
    }

    /**
     * {@code label} next to the point ({@code px}, {@code py}): right, left, above or below,
     * whichever first stays inside the plot ({@code left}..width, above {@code bottom}) and clear
     * of {@code taken}.
     */
    void place(
        String label, double px, double py, double left, double bottom, List<double[]> taken) {
      double w = width(label);
      double[][] options = {
        {px + 9, py + 4, 0}, {px - 9, py + 4, 1}, {px, py - 10, 2}, {px, py + 18, 2},
        {px + 9, py - 12, 0}, {px - 9, py - 12, 1}, {px + 9, py + 20, 0}, {px - 9, py + 20, 1}
      };
      double[] pick = null;
      double[] box = null;
      for (double[] o : options) {
        double x0 = o[2] == 0 ? o[0] : o[2] == 1 ? o[0] - w : o[0] - w / 2;
        double[] bb = {x0, o[1] - FONT, x0 + w, o[1] + 3};
        boolean inside = bb[0] >= left + 2 && bb[2] <= WIDTH - 4 && bb[1] >= 20 && bb[3] <= bottom;
        if (inside && taken.stream().noneMatch(t -> overlap(t, bb))) {
          pick = o;
          box = bb;
          break;
        }
      }
      if (pick == null) {
        // Crowded: the left side, clamped into the plot.
        double x0 = Math.max(left + 2, Math.min(px + 9, WIDTH - 4 - w));
        pick = new double[] {x0, py + 4, 0};
        box = new double[] {x0, py + 4 - FONT, x0 + w, py + 7};
      }
      taken.add(box);
      text(pick[0], pick[1], label, pick[2] == 0 ? "start" : pick[2] == 1 ? "end" : "middle", null);
    }

    private static boolean overlap(double[] a, double[] b) {
      return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
    }

    String close() {
      return String.format(
              Locale.ROOT,
              "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                  + " viewBox=\"0 0 %d %d\">",
              WIDTH,
              height,
              WIDTH,
              height)
          + CSS
          + b
          + "</svg>";
    }
  }
}
