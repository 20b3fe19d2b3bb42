package dev.infercost.workflows;

import dev.infercost.cost.Optimizer;
import dev.infercost.cost.ProjectionCheck;
import java.util.Locale;

/** {@code report.md} for a choose run. */
final class ChooseMarkdown {
  private ChooseMarkdown() {}

  static String render(ChooseReport r) {
    StringBuilder b = new StringBuilder("# infercost choose: ").append(r.model()).append("\n\n");
    var req = r.result().request();
    b.append(
        String.format(
            Locale.ROOT,
            "Bound: accuracy drop ≤ %.4f; p99 ≤ %.1f ms%s. This host: %s%s.%n%n",
            req.maxAccuracyDrop(),
            req.p99ObjectiveMs(),
            req.demandQps() == null
                ? ""
                : String.format(Locale.ROOT, "; demand %.1f inferences/s", req.demandQps()),
            r.host().cpuModel(),
            r.hostEntry() == null
                ? " (no catalog match: priced as its own entry `host`, which has no price; every"
                    + " cost is estimated)"
                : " = catalog entry " + r.hostEntry()));
    b.append(
        r.result()
            .winner()
            .map(
                w ->
                    String.format(
                        Locale.ROOT,
                        "**Winner: %s on %s, batch %d: $%.6g per 1M inferences** (%s).%n%n",
                        w.row().variant(),
                        w.row().hardwareId(),
                        w.row().batch(),
                        w.costPerMillionUsd(),
                        w.row().provenance()))
            .orElse("**No (variant, hardware) pair meets the bounds.**\n\n"));
    boolean demand = req.demandQps() != null;
    b.append(
        demand
            ? "$/1M is at the demand: the whole replicas it needs, idle capacity included.\n\n"
                + "| # | variant | hardware | batch | p99 ms | inferences/s | replicas | idle | $/1M"
                + " | accuracy drop | how |\n|---|---|---|---|---|---|---|---|---|---|---|\n"
            : "| # | variant | hardware | batch | p99 ms | inferences/s | $/1M | accuracy drop |"
                + " how |\n|---|---|---|---|---|---|---|---|---|\n");
    int i = 1;
    for (Optimizer.Candidate c : r.result().ranked()) {
      b.append(row(i++, c)).append('\n');
    }
    b.append("\n## Pareto front (cost vs accuracy drop)\n\n");
    for (Optimizer.Candidate c : r.result().paretoFront()) {
      b.append(
          String.format(
              Locale.ROOT,
              "- %s on %s: $%.6g per 1M, drop %.4f%n",
              c.row().variant(),
              c.row().hardwareId(),
              c.costPerMillionUsd(),
              c.row().accuracyDrop()));
    }
    if (r.sensitivity() != null) {
      b.append("\n## Sensitivity\n\n");
      for (var bp : r.sensitivity().prices()) {
        b.append("- price ").append(bp.parameter()).append(": ").append(bound(bp)).append('\n');
      }
      if (r.sensitivity().demand() != null) {
        b.append("- demand: ").append(bound(r.sensitivity().demand())).append('\n');
      }
      if (r.sensitivity().accuracyBound() != null) {
        b.append("- accuracy bound: ").append(bound(r.sensitivity().accuracyBound())).append('\n');
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

  private static String bound(dev.infercost.cost.Sensitivity.Breakpoint bp) {
    String lo =
        bp.lower() == null
            ? "no change within range"
            : String.format(
                Locale.ROOT, "%+.1f%% → %s", bp.lower().changePercent(), who(bp.lower()));
    String hi =
        bp.upper() == null
            ? "no change within range"
            : String.format(
                Locale.ROOT, "%+.1f%% → %s", bp.upper().changePercent(), who(bp.upper()));
    return "down: " + lo + "; up: " + hi + (bp.note() == null ? "" : " (" + bp.note() + ")");
  }

  private static String who(dev.infercost.cost.Sensitivity.Bound b) {
    return b.newWinner() == null
        ? "no feasible winner"
        : b.newWinner().variant() + " on " + b.newWinner().hardwareId();
  }

  private static String row(int i, Optimizer.Candidate c) {
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
        "| %d | %s | %s | %d | %.3f | %.1f |%s %.6g | %.4f | %s |",
        i,
        r.variant(),
        r.hardwareId(),
        r.batch(),
        r.p99Ms(),
        r.throughputPerS(),
        capacity,
        c.costPerMillionUsd(),
        r.accuracyDrop(),
        r.provenance().kind());
  }
}
