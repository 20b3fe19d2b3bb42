package dev.infercost.workflows;

import dev.infercost.base.Fmt;
import dev.infercost.cost.Optimizer;
import dev.infercost.cost.ProjectionCheck;
import java.util.Locale;

/** {@code report.md} for a choose run. */
final class ChooseMarkdown {
  private ChooseMarkdown() {}

  static String render(ChooseReport r) {
    StringBuilder b = new StringBuilder("# infercost choose: ").append(r.model()).append("\n\n");
    b.append("**").append(ChooseVerdict.of(r)).append("**\n\n");
    var req = r.result().request();
    String measure = r.bound().measure();
    b.append(
        String.format(
            Locale.ROOT,
            "Bound: %s (%s ≤ %.4f); p99 ≤ %.1f ms%s. This host: %s%s.%n%n",
            r.bound().given(),
            measure,
            r.bound().maxLoss(),
            req.p99ObjectiveMs(),
            req.demandQps() == null
                ? ""
                : String.format(Locale.ROOT, "; demand %.1f inferences/s", req.demandQps()),
            r.host().cpuModel(),
            r.hostEntry() == null
                ? " (no catalog match: priced as its own entry `host`, which has no price; every"
                    + " cost is estimated)"
                : " = catalog entry " + r.hostEntry()));
    boolean demand = req.demandQps() != null;
    b.append(
        demand
            ? "Cost is at the demand: the whole replicas it needs, idle capacity included.\n\n"
                + "| # | variant | hardware | batch | p99 ms | inferences/s | replicas | idle | USD per"
                + " 1M | "
                + measure
                + " | how |\n|---|---|---|---|---|---|---|---|---|---|---|\n"
            : "| # | variant | hardware | batch | p99 ms | inferences/s | USD per 1M | "
                + measure
                + " | how |\n|---|---|---|---|---|---|---|---|---|\n");
    int i = 1;
    for (Optimizer.Candidate c : r.result().ranked()) {
      b.append(row(ChooseVerdict.rank(r.result(), i++, c), c, r.bound())).append('\n');
    }
    b.append('\n').append(ChooseVerdict.RANGES).append('\n');
    b.append("\n## Pareto front (cost vs ").append(measure).append(")\n\n");
    for (Optimizer.Candidate c : r.result().paretoFront()) {
      b.append(
          String.format(
              Locale.ROOT,
              "- %s on %s: %s per 1M, %s %s%n",
              c.row().variant(),
              c.row().hardwareId(),
              ChooseVerdict.cost(c),
              measure,
              r.bound().format(c.row().accuracyDrop())));
    }
    b.append("\n## Variants\n\n| variant | what | priced on | bytes | ")
        .append(measure)
        .append(" |\n")
        .append("|---|---|---|---|---|\n");
    r.variants()
        .forEach(
            (label, v) ->
                b.append(
                    String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %d | %s |%n",
                        label,
                        v.recipe(),
                        ids(v.pricedOn()),
                        v.bytes(),
                        r.bound().format(v.accuracyDrop()))));
    for (ChooseReport.Search s : r.searches()) {
      b.append('\n');
      CompressMarkdown.search(
          b,
          "Search for "
              + s.family()
              + " ("
              + ids(s.hardware())
              + "): "
              + (s.variants().isEmpty() ? "kept the input" : String.join(", ", s.variants())),
          s.result());
    }
    if (r.sensitivity() != null) {
      b.append("\n## Sensitivity: how far each input can move before the winner changes\n\n");
      b.append("| input | down | up |\n|---|---|---|\n");
      for (var bp : breakpoints(r.sensitivity())) {
        b.append("| ")
            .append(bp.parameter())
            .append(" | ")
            .append(side(bp.lower()))
            .append(" | ")
            .append(side(bp.upper()))
            .append(" |\n");
      }
    }
    if (r.projectionCheck() != null) {
      b.append(projectionCheck(r.projectionCheck()));
    }
    if (!r.notes().isEmpty()) {
      b.append("\n## Not priced\n\n");
      r.notes().forEach(n -> b.append("- ").append(n).append('\n'));
    }
    b.append("\nInfeasible rows: ")
        .append(r.result().infeasible().size())
        .append(" (reasons in report.json).\n");
    return b.toString();
  }

  /** Catalog ids for a table cell: all of them when few, else the first three and the count. */
  private static String ids(java.util.List<String> ids) {
    return ids.size() <= 4
        ? String.join(", ", ids)
        : String.join(", ", ids.subList(0, 3)) + " and " + (ids.size() - 3) + " more";
  }

  /** The CPU model's projections of this host's measurements, pair by pair, and the MAPE. */
  static String projectionCheck(ProjectionCheck c) {
    StringBuilder b = new StringBuilder("\n## Projection vs measurement on this host\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "The CPU model projects each measurement with several vCPUs busy from the same"
                + " variant's 1-thread throughput, with its default parameters (linear core"
                + " scaling, no SMT gain). MAPE %.1f%% over %d pairs.",
            c.mapePercent(),
            c.pairs().size()));
    boolean cal = c.calibratedMapePercent() != null;
    if (cal) {
      b.append(
          String.format(
              Locale.ROOT,
              " Calibrated (`--calibrate-projection`, in sample): MAPE %.1f%%.",
              c.calibratedMapePercent()));
      for (boolean streams : new boolean[] {false, true}) {
        if (c.calibrated(streams) != null) {
          b.append(" ").append(c.calibrated(streams).how()).append('.');
        }
      }
    }
    b.append("\n\n| measured | vCPUs busy | inferences/s | projected | error |")
        .append(cal ? " calibrated | error |" : "")
        .append("\n|---|---|---|---|---|")
        .append(cal ? "---|---|" : "")
        .append('\n');
    for (ProjectionCheck.Pair p : c.pairs()) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.1f | %.1f | %+.1f%% |",
              p.what(),
              p.busyVcpus(),
              p.measured(),
              p.projected(),
              p.errorPercent()));
      if (cal) {
        b.append(
            String.format(
                Locale.ROOT,
                " %.1f | %+.1f%% |",
                p.calibratedProjected(),
                p.calibratedErrorPercent()));
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** Every breakpoint of {@code s}: prices, then demand and the accuracy bound when analysed. */
  static java.util.List<dev.infercost.cost.Sensitivity.Breakpoint> breakpoints(
      dev.infercost.cost.Sensitivity.Report s) {
    java.util.List<dev.infercost.cost.Sensitivity.Breakpoint> all =
        new java.util.ArrayList<>(s.prices());
    if (s.demand() != null) {
      all.add(s.demand());
    }
    if (s.accuracyBound() != null) {
      all.add(s.accuracyBound());
    }
    return all;
  }

  private static String side(dev.infercost.cost.Sensitivity.Bound b) {
    return b == null
        ? "no change"
        : (Double.isNaN(b.changePercent())
                ? Fmt.sig(b.value())
                : String.format(Locale.ROOT, "%+.1f%%", b.changePercent()))
            + " → "
            + who(b);
  }

  static String who(dev.infercost.cost.Sensitivity.Bound b) {
    return b.newWinner() == null
        ? "no feasible winner"
        : b.newWinner().variant() + " on " + b.newWinner().hardwareId();
  }

  private static String row(String rank, Optimizer.Candidate c, ChooseReport.BoundInfo bound) {
    var r = c.row();
    String capacity =
        c.capacity() == null
            ? ""
            : String.format(
                Locale.ROOT,
                " %d | %.1f%% |",
                c.capacity().replicas(),
                100 * (1 - c.capacity().utilization()));
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s | %d | %s | %s |%s %s | %s | %s |",
        rank,
        r.variant(),
        r.hardwareId(),
        r.batch(),
        Fmt.sig(r.p99Ms()),
        ChooseVerdict.throughput(r),
        capacity,
        ChooseVerdict.cost(c),
        bound.format(r.accuracyDrop()),
        r.provenance().kind().toString().toLowerCase(Locale.ROOT));
  }
}
