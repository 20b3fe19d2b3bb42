package dev.infercost.workflows;

import dev.infercost.cost.FleetPlanner;
import java.util.Locale;

/** {@code report.md} for a plan. */
final class PlanMarkdown {
  private PlanMarkdown() {}

  static String render(PlanReport r) {
    FleetPlanner.Plan p = r.plan();
    StringBuilder b =
        new StringBuilder("# infercost plan\n\n**").append(r.verdict()).append("**\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "Demand: %s, %d periods over %s h, peak %.1f and mean %.1f inferences/s.%n"
                + "Throughput per replica: %.1f inferences/s (%s).%n"
                + "Own: %s, $%s purchase over %s years, %s W at PUE %s, $%s/kWh, ops %s of"
                + " purchase a year, %s replicas per machine: $%s/h ownership + $%s/h energy at"
                + " full load, %.1f inferences/s per machine.%n"
                + "Cloud: %s at $%s/h on demand (%s)%s%s.%n%n",
            r.demand().source(),
            r.demand().periods(),
            num(r.demand().hours()),
            r.demand().peakQps(),
            r.demand().meanQps(),
            r.throughput().perReplicaQps(),
            r.throughput().source(),
            r.own().name(),
            num(r.own().purchaseUsd()),
            num(r.own().lifeYears()),
            num(r.own().powerW()),
            num(r.own().pue()),
            num(r.own().usdPerKwh()),
            num(r.own().opsShareYearly()),
            num(r.own().replicasPerMachine()),
            PlanWorkflow.money(r.own().machine().ownershipUsdPerHour()),
            PlanWorkflow.money(r.own().machine().energyUsdPerHour()),
            r.own().machine().throughputPerS(),
            r.cloud().machine().id(),
            PlanWorkflow.money(r.cloud().machine().onDemandUsdPerHour()),
            r.cloud().priceSource(),
            r.cloud().machine().spot() == null
                ? ""
                : String.format(
                    Locale.ROOT,
                    "; spot %s off, %s capacity lost to interruptions, at most %s of demand",
                    pct(r.cloud().machine().spot().discount()),
                    pct(r.cloud().machine().spot().capacityLoss()),
                    pct(r.cloud().machine().spot().maxShare())),
            r.cloud().machine().reservedDiscount() == null
                ? ""
                : "; reserved " + pct(r.cloud().machine().reservedDiscount()) + " off"));
    b.append("## Cost over the horizon\n\n| part | USD |\n|---|---|\n");
    row(b, "ownership (amortization + operations)", p.ownershipUsd());
    row(b, "owned machines' electricity", p.energyUsd());
    row(b, "reserved", p.reservedUsd());
    row(b, "on-demand", p.onDemandUsd());
    row(b, "spot", p.spotUsd());
    row(b, "**total**", p.totalUsd());
    b.append(
        String.format(
            Locale.ROOT,
            "%nCost per 1M inferences: **$%s**. Linear relaxation (divisible machines, a lower"
                + " bound): $%s, gap %.2f%%; whole-machine search %s.%n",
            PlanWorkflow.money(p.usdPerMillion()),
            PlanWorkflow.money(p.relaxedUsd()),
            100 * p.gapToRelaxation(),
            p.exhaustive() ? "exhaustive (optimal)" : "around the relaxation"));
    b.append("\n## Break-even\n\n");
    b.append(
        "- against on-demand: "
            + (r.breakEven().onDemand() == null
                ? "never"
                : pct(r.breakEven().onDemand()) + " average utilization")
            + "\n");
    if (r.cloud().machine().spot() != null) {
      b.append(
          "- against spot: "
              + (r.breakEven().spot() == null
                  ? "never"
                  : pct(r.breakEven().spot()) + " average utilization")
              + "\n");
    }
    if (r.ownUtilization() != null) {
      b.append("- the planned owned machines run at " + pct(r.ownUtilization()) + " on average\n");
    }
    b.append(
        "\n## Sensitivity\n\n| input | change | own | reserved | $/1M |\n|---|---|---|---|---|\n");
    for (FleetPlanner.Shift s : r.sensitivity()) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %+.0f%% | %d | %d | %s |%n",
              s.parameter(),
              s.changePercent(),
              s.ownMachines(),
              s.reservedMachines(),
              PlanWorkflow.money(s.usdPerMillion())));
    }
    b.append(
        "\n## Fleet per period\n\n| period | hours | demand/s | own | reserved | on-demand | spot |"
            + " capacity/s | USD |\n|---|---|---|---|---|---|---|---|---|\n");
    for (FleetPlanner.PeriodPlan pp : p.periods()) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.1f | %d | %d | %d | %d | %.1f | %s |%n",
              pp.period().label(),
              num(pp.period().hours()),
              pp.period().demandQps(),
              pp.own(),
              pp.reserved(),
              pp.onDemand(),
              pp.spot(),
              pp.capacityQps(),
              PlanWorkflow.money(pp.usd())));
    }
    b.append("\n## Assumptions\n\n");
    r.notes().forEach(n -> b.append("- ").append(n).append('\n'));
    return b.toString();
  }

  private static void row(StringBuilder b, String what, double usd) {
    b.append("| ").append(what).append(" | ").append(PlanWorkflow.money(usd)).append(" |\n");
  }

  static String pct(double share) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%.4g", v);
  }
}
