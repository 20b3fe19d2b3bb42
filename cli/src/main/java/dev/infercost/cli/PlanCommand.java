package dev.infercost.cli;

import dev.infercost.cost.FleetPlanner;
import dev.infercost.workflows.PlanReport;
import dev.infercost.workflows.PlanRequest;
import dev.infercost.workflows.PlanSpec;
import dev.infercost.workflows.PlanWorkflow;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code infercost plan}: buy or rent, per period. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = {
      "Plan the cheapest mix of owned and rented machines for a demand profile.",
      "Owned machines are kept over the horizon; reserved, on-demand and spot cloud machines are",
      "bought in whole machines per period. Prints the fleet per period, the cost per 1M",
      "inferences, the utilization at which owning breaks even, and how the plan moves with",
      "electricity price, demand and hardware price. Example inputs: examples/plan/own.yaml and",
      "examples/plan/demand-week.csv; docs/plan.md explains the model."
    })
final class PlanCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Parameters(
      arity = "0..1",
      paramLabel = "MODEL",
      description =
          "A model (file or built-in name) to measure here for the per-replica throughput.")
  String model;

  @Option(
      names = "--variant",
      paramLabel = "FILE",
      description =
          "A choose report.json (or choose --json output) or bench results file to take the"
              + " per-replica throughput from.")
  Path variant;

  @Option(
      names = "--pick",
      paramLabel = "NAME",
      description = "The variant (choose; default the winner's) or entry (bench) in --variant.")
  String pick;

  @Option(
      names = "--throughput",
      paramLabel = "QPS",
      description = "Per-replica throughput in inferences/s.")
  Double throughput;

  static final class DemandOptions {
    @Option(
        names = "--demand",
        paramLabel = "CSV",
        description = "Demand profile: columns qps (inferences/s), optional period and hours.")
    Path demand;

    @Option(names = "--qps", paramLabel = "Q", description = "A constant demand in inferences/s.")
    Double qps;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  DemandOptions demand;

  @Option(
      names = "--own",
      paramLabel = "FILE",
      description =
          "Own hardware and cloud options, YAML (examples/plan/own.yaml); the flags below"
              + " override it.")
  Path specFile;

  @Option(
      names = "--own-entry",
      paramLabel = "ID",
      description = "An on-premises catalog entry whose figures the own hardware starts from.")
  String own;

  @Option(names = "--own-purchase-usd", paramLabel = "USD", description = "Purchase price.")
  Double purchaseUsd;

  @Option(names = "--own-life-years", paramLabel = "Y", description = "Amortization years.")
  Double lifeYears;

  @Option(names = "--own-power-w", paramLabel = "W", description = "Draw at full load, W.")
  Double powerW;

  @Option(names = "--pue", paramLabel = "P", description = "Power usage effectiveness (>= 1).")
  Double pue;

  @Option(names = "--usd-per-kwh", paramLabel = "USD", description = "Electricity price.")
  Double usdPerKwh;

  @Option(
      names = "--own-ops-share",
      paramLabel = "S",
      description = "Yearly operations cost as a share of the purchase price.")
  Double opsShare;

  @Option(
      names = "--replicas-per-machine",
      paramLabel = "K",
      description = "Replicas one owned machine runs (default 1).")
  Double replicasPerMachine;

  @Option(names = "--own-max", paramLabel = "N", description = "Most machines that can be owned.")
  Long ownMax;

  @Option(names = "--cloud", paramLabel = "ID", description = "The cloud instance (catalog id).")
  String cloud;

  @Option(
      names = "--spot-discount",
      paramLabel = "D",
      description = "Spot price = on-demand x (1 - D); no spot without it.")
  Double spotDiscount;

  @Option(
      names = "--spot-capacity-loss",
      paramLabel = "L",
      description = "Share of a spot machine's throughput lost to interruptions (default 0).")
  Double spotLoss;

  @Option(
      names = "--spot-share",
      paramLabel = "S",
      description = "Largest share of a period's demand on spot (default 1).")
  Double spotShare;

  @Option(
      names = "--reserved-discount",
      paramLabel = "D",
      description = "Reserved price = on-demand x (1 - D), paid for the whole horizon.")
  Double reservedDiscount;

  @Option(
      names = "--hardware-catalog",
      paramLabel = "FILE",
      description = "Catalog JSON (\"extends\": \"builtin\" to add to the built-in one).")
  Path catalog;

  @Option(
      names = "--sensitivity",
      paramLabel = "PCT",
      defaultValue = "20",
      description = "Move electricity, demand and hardware price by +-PCT%% (default 20).")
  double sensitivity;

  @Option(
      names = "--threads",
      description = "Threads of the MODEL measurement (default: every core).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--out", paramLabel = "DIR", description = "Write report.json and report.md.")
  Path out;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description = "Also write an HTML report with the demand vs capacity chart.")
  Path html;

  @Override
  public Integer call() throws Exception {
    PlanRequest req;
    try {
      PlanSpec flags =
          new PlanSpec(
              new PlanSpec.Own(
                  own,
                  purchaseUsd,
                  lifeYears,
                  powerW,
                  pue,
                  usdPerKwh,
                  opsShare,
                  replicasPerMachine,
                  ownMax),
              new PlanSpec.Cloud(cloud, spotDiscount, spotLoss, spotShare, reservedDiscount));
      req =
          PlanRequest.builder()
              .optDemand(demand.demand)
              .optQps(demand.qps)
              .optResults(variant)
              .optPick(pick)
              .optThroughput(throughput)
              .optModel(model)
              .optThreads(threads)
              .optSpec(specFile)
              .optFlags(flags)
              .optCatalog(catalog)
              .optSensitivityPercent(sensitivity)
              .optOutDir(out)
              .optHtml(html)
              .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Progress progress = new Progress(spec.commandLine().getErr(), common.quiet);
    PlanReport r = PlanWorkflow.run(req, progress);
    progress.clear();
    PrintWriter w = spec.commandLine().getOut();
    if (common.json) {
      Json.print(w, r);
    } else {
      print(w, r);
    }
    return ExitCodes.OK;
  }

  /** The verdict, then the fleet (consecutive periods with the same fleet on one row), costs. */
  static void print(PrintWriter w, PlanReport r) {
    FleetPlanner.Plan p = r.plan();
    w.println(r.verdict());
    w.printf(
        Locale.ROOT,
        "throughput per replica: %.1f inferences/s (%s)%n",
        r.throughput().perReplicaQps(),
        r.throughput().source());
    Table t =
        new Table("periods", "demand/s", "own", "reserved", "on-demand", "spot", "capacity/s");
    List<FleetPlanner.PeriodPlan> ps = p.periods();
    List<int[]> groups = new java.util.ArrayList<>();
    int i = 0;
    while (i < ps.size()) {
      int j = i;
      while (j < ps.size()
          && ps.get(j).onDemand() == ps.get(i).onDemand()
          && ps.get(j).spot() == ps.get(i).spot()) {
        j++;
      }
      groups.add(new int[] {i, j});
      i = j;
    }
    boolean all = groups.size() <= MAX_ROWS;
    if (!all) {
      // A long profile: the quietest and the busiest period; every period is in the reports.
      int lo = 0;
      int hi = 0;
      for (int k = 0; k < ps.size(); k++) {
        double q = ps.get(k).period().demandQps();
        lo = q < ps.get(lo).period().demandQps() ? k : lo;
        hi = q > ps.get(hi).period().demandQps() ? k : hi;
      }
      groups = List.of(new int[] {lo, lo + 1}, new int[] {hi, hi + 1});
    }
    for (int[] g : groups) {
      row(t, ps.subList(g[0], g[1]));
    }
    t.print(w);
    if (!all) {
      w.println(
          "(the quietest and the busiest of "
              + ps.size()
              + " periods; every period in --json, --out's report.md and --html)");
    }
    w.printf(
        Locale.ROOT,
        "cost: $%s total (ownership $%s, electricity $%s, reserved $%s, on-demand $%s, spot $%s);"
            + " $%s per 1M inferences; relaxation bound $%s (gap %.2f%%, %s)%n",
        PlanWorkflow.money(p.totalUsd()),
        PlanWorkflow.money(p.ownershipUsd()),
        PlanWorkflow.money(p.energyUsd()),
        PlanWorkflow.money(p.reservedUsd()),
        PlanWorkflow.money(p.onDemandUsd()),
        PlanWorkflow.money(p.spotUsd()),
        PlanWorkflow.money(p.usdPerMillion()),
        PlanWorkflow.money(p.relaxedUsd()),
        100 * p.gapToRelaxation(),
        p.exhaustive() ? "exhaustive search: optimal" : "searched around the relaxation");
    w.println(
        "break-even utilization of owning: "
            + share(r.breakEven().onDemand(), "vs on-demand")
            + (r.cloud().machine().spot() == null
                ? ""
                : ", " + share(r.breakEven().spot(), "vs spot"))
            + (r.ownUtilization() == null
                ? ""
                : "; planned owned machines run at " + share(r.ownUtilization(), "on average")));
    StringBuilder s = new StringBuilder("sensitivity:");
    for (FleetPlanner.Shift x : r.sensitivity()) {
      s.append(
          String.format(
              Locale.ROOT,
              " %s %+.0f%% -> own %d, $%s/1M;",
              x.parameter(),
              x.changePercent(),
              x.ownMachines(),
              PlanWorkflow.money(x.usdPerMillion())));
    }
    w.println(s.substring(0, s.length() - 1));
    w.flush();
  }

  /** Most rows of the per-period table before it shows only the quietest and busiest period. */
  private static final int MAX_ROWS = 24;

  /** One table row for consecutive periods with the same fleet. */
  private static void row(Table t, List<FleetPlanner.PeriodPlan> run) {
    FleetPlanner.PeriodPlan a = run.get(0);
    String label =
        run.size() == 1
            ? a.period().label()
            : a.period().label()
                + " .. "
                + run.get(run.size() - 1).period().label()
                + " ("
                + run.size()
                + ")";
    t.row(
        label,
        range(run.stream().mapToDouble(x -> x.period().demandQps())),
        a.own(),
        a.reserved(),
        a.onDemand(),
        a.spot(),
        range(run.stream().mapToDouble(FleetPlanner.PeriodPlan::capacityQps)));
  }

  private static String share(Double v, String what) {
    return v == null ? "never " + what : String.format(Locale.ROOT, "%.1f%% %s", 100 * v, what);
  }

  private static String range(java.util.stream.DoubleStream values) {
    java.util.DoubleSummaryStatistics st = values.summaryStatistics();
    return range(st.getMin(), st.getMax());
  }

  private static String range(double lo, double hi) {
    return lo == hi
        ? String.format(Locale.ROOT, "%.1f", lo)
        : String.format(Locale.ROOT, "%.1f-%.1f", lo, hi);
  }
}
