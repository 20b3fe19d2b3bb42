package dev.infercost.workflows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.infercost.base.InfercostException;
import dev.infercost.base.OutputGuard;
import dev.infercost.base.Parameter;
import dev.infercost.base.StrictJson;
import dev.infercost.cost.Catalog;
import dev.infercost.cost.CostModel;
import dev.infercost.cost.DemandProfile;
import dev.infercost.cost.FleetPlanner;
import dev.infercost.cost.HardwareEntry;
import dev.infercost.profile.ProfileOptions;
import dev.infercost.profile.ProfileReport;
import dev.infercost.profile.Profiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code plan}: buy or rent. Reads a demand profile, a per-replica throughput (a {@code choose}
 * report, {@code bench} results, a number, or a model measured here), the owned hardware and the
 * cloud options, and plans the cheapest whole-machine fleet per period with {@link FleetPlanner}:
 * the fleet, the cost per 1M inferences, the break-even utilization of owning, and how the plan
 * moves with electricity, demand and hardware price.
 */
public final class PlanWorkflow {
  private PlanWorkflow() {}

  public static PlanReport run(PlanRequest req, Consumer<String> progress)
      throws InfercostException {
    OutputGuard.of()
        .input("the demand profile", req.demand().orElse(null))
        .input("the plan spec", req.specFile().orElse(null))
        .input("the results file", req.results().orElse(null))
        .input("the hardware catalog", req.catalog().orElse(null))
        .output("the HTML report", req.html().orElse(null))
        .folder(
            "the output folder",
            req.outDir().orElse(null),
            List.of(Reports.JSON_FILE, Reports.MARKDOWN_FILE))
        .check();
    List<FleetPlanner.Period> periods =
        req.demand().isPresent()
            ? DemandProfile.load(req.demand().get())
            : DemandProfile.constant(req.qps().orElseThrow());
    PlanSpec spec =
        req.specFile().isPresent()
            ? req.flags().over(PlanSpec.load(req.specFile().get()))
            : req.flags();
    Catalog catalog = PricingInputs.catalog(req.catalog());
    JsonNode results = req.results().isPresent() ? readJson(req.results().get()) : null;
    String cloudId = spec.cloud().instance();
    if (cloudId == null && results != null && isChoose(results)) {
      cloudId = chooseRow(req, results, null).path("hardwareId").asText(null);
    }
    if (cloudId == null) {
      throw new InfercostException(
          "plan: no cloud instance; name one (cloud.instance in the spec)", Parameter.HARDWARE);
    }
    HardwareEntry cloudEntry = catalog.require(cloudId);
    if (cloudEntry.kind() == HardwareEntry.Kind.ONPREM) {
      throw new InfercostException(
          cloudId + " is an on-premises entry; name a cloud instance to rent", Parameter.HARDWARE);
    }
    PlanReport.Throughput t = throughput(req, results, cloudEntry.id(), progress);
    PlanReport.Own own = own(spec.own(), catalog, t.perReplicaQps());
    FleetPlanner.Cloud cloud = cloud(spec.cloud(), cloudEntry, t.perReplicaQps());
    FleetPlanner.Problem problem = new FleetPlanner.Problem(periods, own.machine(), cloud);
    progress.accept("planning " + periods.size() + " periods");
    FleetPlanner.Plan plan = FleetPlanner.plan(problem);
    progress.accept("sensitivity: ±" + fmt(req.sensitivityPercent()) + "%");
    List<FleetPlanner.Shift> shifts = FleetPlanner.sensitivity(problem, req.sensitivityPercent());
    PlanReport.BreakEven breakEven =
        new PlanReport.BreakEven(
            boxed(FleetPlanner.breakEvenUtilization(own.machine(), cloud)),
            boxed(FleetPlanner.breakEvenUtilizationSpot(own.machine(), cloud)));
    Double utilization = ownUtilization(problem, plan);
    PlanReport report =
        new PlanReport(
            Reports.SCHEMA,
            "plan",
            verdict(own, cloud, plan, breakEven),
            t,
            demand(req, problem),
            own,
            new PlanReport.Cloud(
                cloudEntry.priceSource().source() + ", " + cloudEntry.priceSource().date(), cloud),
            plan,
            utilization,
            breakEven,
            shifts,
            notes(own, plan));
    if (req.outDir().isPresent()) {
      Reports.writeReport(Reports.outDir(req.outDir().get()), report, PlanMarkdown.render(report));
    }
    if (req.html().isPresent()) {
      Reports.writeText(req.html().get(), HtmlReport.plan(report));
    }
    return report;
  }

  /** The answer first: what to own, what to rent at peak, the cost, and the break-even. */
  static String verdict(
      PlanReport.Own own,
      FleetPlanner.Cloud cloud,
      FleetPlanner.Plan plan,
      PlanReport.BreakEven breakEven) {
    FleetPlanner.PeriodPlan peak =
        plan.periods().stream()
            .max(java.util.Comparator.comparingDouble(p -> p.period().demandQps()))
            .orElseThrow();
    List<String> rent = new ArrayList<>();
    if (plan.reservedMachines() > 0) {
      rent.add(plan.reservedMachines() + " reserved");
    }
    if (peak.onDemand() > 0) {
      rent.add(peak.onDemand() + " on-demand");
    }
    if (peak.spot() > 0) {
      rent.add(peak.spot() + " spot");
    }
    String owned =
        plan.ownMachines() == 0 ? "Own nothing" : "Own " + plan.ownMachines() + " x " + own.name();
    String rented =
        rent.isEmpty()
            ? " and rent nothing"
            : " + rent " + String.join(" + ", rent) + " x " + cloud.id() + " at peak";
    String even =
        breakEven.onDemand() == null
            ? "owning never breaks even against on-demand"
            : String.format(
                Locale.ROOT,
                "owning breaks even at %.0f%% utilization",
                100 * breakEven.onDemand());
    return String.format(
        Locale.ROOT, "%s%s: $%s per 1M; %s", owned, rented, money(plan.usdPerMillion()), even);
  }

  /** A dollar figure with four significant digits. */
  public static String money(double usd) {
    return String.format(Locale.ROOT, usd >= 100 ? "%.2f" : "%.4g", usd);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static Double boxed(java.util.OptionalDouble d) {
    return d.isPresent() ? d.getAsDouble() : null;
  }

  private static Double ownUtilization(FleetPlanner.Problem problem, FleetPlanner.Plan plan) {
    if (plan.ownMachines() == 0) {
      return null;
    }
    double served = 0;
    for (FleetPlanner.PeriodPlan p : plan.periods()) {
      served += p.ownServedQps() * p.period().hours();
    }
    return served / (plan.ownMachines() * problem.own().throughputPerS() * problem.hours());
  }

  private static PlanReport.Demand demand(PlanRequest req, FleetPlanner.Problem problem) {
    double hours = problem.hours();
    return new PlanReport.Demand(
        req.demand().map(Path::toString).orElse("constant"),
        problem.periods().size(),
        hours,
        problem.peakQps(),
        problem.inferences() / 3600 / hours);
  }

  private static List<String> notes(PlanReport.Own own, FleetPlanner.Plan plan) {
    List<String> notes = new ArrayList<>();
    notes.add(
        "one cloud machine runs one replica; an owned machine runs "
            + fmt(own.replicasPerMachine())
            + " replicas at the same per-replica throughput");
    notes.add(
        "owned machines' electricity follows their load (idle draw not billed); amortization is"
            + " straight-line with no cost of capital or resale value");
    notes.add(
        "reserved machines are paid for every hour of the horizon; on-demand and spot are rented"
            + " per period in whole machines");
    if (!plan.exhaustive()) {
      notes.add(
          String.format(
              Locale.ROOT,
              "owned and reserved counts searched within ±%d of the linear relaxation; the plan is"
                  + " within %.2f%% of the relaxation's lower bound",
              FleetPlanner.WINDOW,
              100 * plan.gapToRelaxation()));
    }
    return notes;
  }

  /** The owned machine type: the spec's figures over the catalog entry it names. */
  static PlanReport.Own own(PlanSpec.Own s, Catalog catalog, double perReplicaQps)
      throws InfercostException {
    HardwareEntry.OnPrem base = null;
    String name = "own";
    if (s.catalog() != null) {
      HardwareEntry e = catalog.require(s.catalog());
      if (e.kind() != HardwareEntry.Kind.ONPREM) {
        throw new InfercostException(
            "own hardware '"
                + s.catalog()
                + "' is not an on-premises catalog entry (kind "
                + e.kind().label()
                + "); name an onprem entry or give the figures",
            Parameter.PLAN_SPEC);
      }
      base = e.onPrem();
      name = e.id();
    }
    double purchase =
        figure("purchaseUsd", s.purchaseUsd(), base == null ? null : base.purchaseUsd());
    double life = figure("lifeYears", s.lifeYears(), base == null ? null : base.lifeYears());
    double power = figure("powerW", s.powerW(), base == null ? null : base.powerW());
    double pue = figure("pue", s.pue(), base == null ? null : base.pue());
    double kwh = figure("usdPerKwh", s.usdPerKwh(), base == null ? null : base.usdPerKwh());
    double ops =
        figure("opsShareYearly", s.opsShareYearly(), base == null ? null : base.opsShareYearly());
    double replicas = s.replicasPerMachine() == null ? 1 : s.replicasPerMachine();
    try {
      if (!(Double.isFinite(replicas) && replicas > 0)) {
        throw new IllegalArgumentException("own.replicasPerMachine must be > 0, got " + replicas);
      }
      if (s.maxMachines() != null && s.maxMachines() < 0) {
        throw new IllegalArgumentException("own.maxMachines must be >= 0, got " + s.maxMachines());
      }
      String src = "plan spec";
      CostModel.OnPremHourly h =
          CostModel.onPremHourly(
              new HardwareEntry.OnPrem(
                  new HardwareEntry.Sourced(purchase, src),
                  new HardwareEntry.Sourced(life, src),
                  new HardwareEntry.Sourced(power, src),
                  new HardwareEntry.Sourced(pue, src),
                  new HardwareEntry.Sourced(kwh, src),
                  new HardwareEntry.Sourced(ops, src)));
      FleetPlanner.Own machine =
          new FleetPlanner.Own(
              h.amortizationUsdPerHour() + h.operationsUsdPerHour(),
              h.energyUsdPerHour(),
              replicas * perReplicaQps,
              s.maxMachines() == null ? Long.MAX_VALUE : s.maxMachines());
      return new PlanReport.Own(
          name, purchase, life, power, pue, kwh, ops, replicas, s.maxMachines(), machine);
    } catch (IllegalArgumentException e) {
      throw new InfercostException("own hardware: " + e.getMessage(), Parameter.PLAN_SPEC);
    }
  }

  private static double figure(String field, Double given, HardwareEntry.Sourced base)
      throws InfercostException {
    if (given != null) {
      return given;
    }
    if (base != null) {
      return base.value();
    }
    throw new InfercostException(
        "own hardware: no "
            + field
            + "; give own."
            + field
            + " in the spec or own.catalog naming"
            + " an on-premises catalog entry",
        Parameter.PLAN_SPEC);
  }

  static FleetPlanner.Cloud cloud(PlanSpec.Cloud s, HardwareEntry entry, double perReplicaQps)
      throws InfercostException {
    try {
      FleetPlanner.Spot spot =
          s.spotDiscount() == null
              ? null
              : new FleetPlanner.Spot(
                  s.spotDiscount(),
                  s.spotCapacityLoss() == null ? 0 : s.spotCapacityLoss(),
                  s.maxSpotShare() == null ? 1 : s.maxSpotShare());
      return new FleetPlanner.Cloud(
          entry.id(), entry.priceUsdPerHour(), perReplicaQps, spot, s.reservedDiscount());
    } catch (IllegalArgumentException e) {
      throw new InfercostException("cloud options: " + e.getMessage(), Parameter.PLAN_SPEC);
    }
  }

  /** The per-replica throughput from the request's one source. */
  private static PlanReport.Throughput throughput(
      PlanRequest req, JsonNode results, String cloudId, Consumer<String> progress)
      throws InfercostException {
    if (req.throughput().isPresent()) {
      return new PlanReport.Throughput(req.throughput().get(), "given");
    }
    if (req.model().isPresent()) {
      progress.accept("measuring " + req.model().get() + " here at " + req.threads() + " threads");
      ProfileReport p =
          Profiler.profile(
              req.model().get(),
              ProfileOptions.builder().optThreads(req.threads()).build(),
              progress);
      double qps = p.results().get(0).throughput();
      return new PlanReport.Throughput(
          qps,
          String.format(
              Locale.ROOT,
              "%s measured on %s, %d threads, one stream (this host taken as one replica)",
              req.model().get(),
              p.host().cpuModel(),
              p.threads()));
    }
    Path file = req.results().orElseThrow();
    if (isChoose(results)) {
      JsonNode row = chooseRow(req, results, cloudId);
      return new PlanReport.Throughput(
          row.path("throughputPerS").asDouble(),
          String.format(
              Locale.ROOT,
              "%s on %s at batch %d from %s (%s: %s)",
              row.path("variant").asText(),
              row.path("hardwareId").asText(),
              row.path("batch").asInt(),
              file,
              row.path("provenance").path("kind").asText().toLowerCase(Locale.ROOT),
              row.path("provenance").path("detail").asText()));
    }
    if ("bench".equals(results.path("kind").asText()) && results.path("entries").isArray()) {
      JsonNode entry = benchEntry(req, results, file);
      double qps = entry.path("throughput").asDouble(Double.NaN);
      if (!(qps > 0 && Double.isFinite(qps))) {
        throw new InfercostException(
            file + ": entry '" + entry.path("name").asText() + "' has no throughput > 0",
            Parameter.THROUGHPUT);
      }
      return new PlanReport.Throughput(
          qps,
          "bench entry '"
              + entry.path("name").asText()
              + "' from "
              + file
              + " (measured on "
              + results.path("provenance").path("host").path("cpuModel").asText("unknown host")
              + ", one stream; taken as one replica)");
    }
    throw new InfercostException(
        file
            + ": neither a choose report (\"kind\": \"choose\") nor bench results (\"kind\":"
            + " \"bench\"); give a choose report.json or a bench results file",
        Parameter.THROUGHPUT);
  }

  private static boolean isChoose(JsonNode results) {
    return "choose".equals(results.path("kind").asText())
        && results.path("result").path("ranked").isArray();
  }

  /**
   * The picked variant's ranked row of a choose report on {@code cloudId}, or its cheapest row when
   * {@code cloudId} is null.
   */
  private static JsonNode chooseRow(PlanRequest req, JsonNode report, String cloudId)
      throws InfercostException {
    Path file = req.results().orElseThrow();
    JsonNode ranked = report.path("result").path("ranked");
    if (ranked.isEmpty()) {
      throw new InfercostException(
          file
              + ": the choose report ranks no (variant, hardware) pair; rerun choose with looser"
              + " bounds",
          Parameter.THROUGHPUT);
    }
    String variant = req.pick().orElse(ranked.get(0).path("row").path("variant").asText());
    List<String> seen = new ArrayList<>();
    for (JsonNode c : ranked) {
      JsonNode row = c.path("row");
      if (!variant.equals(row.path("variant").asText())) {
        continue;
      }
      if (cloudId == null || cloudId.equals(row.path("hardwareId").asText())) {
        return row;
      }
      seen.add(row.path("hardwareId").asText());
    }
    throw new InfercostException(
        file
            + ": no ranked row for variant '"
            + variant
            + "'"
            + (cloudId == null ? "" : " on " + cloudId)
            + (seen.isEmpty() ? "" : "; it is ranked on " + String.join(", ", seen)),
        Parameter.THROUGHPUT);
  }

  private static JsonNode benchEntry(PlanRequest req, JsonNode results, Path file)
      throws InfercostException {
    JsonNode entries = results.path("entries");
    List<String> names = new ArrayList<>();
    entries.forEach(e -> names.add(e.path("name").asText()));
    if (req.pick().isEmpty() && entries.size() == 1) {
      return entries.get(0);
    }
    if (req.pick().isEmpty()) {
      throw new InfercostException(
          file + ": " + entries.size() + " entries (" + String.join(", ", names) + "); pick one",
          Parameter.THROUGHPUT);
    }
    for (JsonNode e : entries) {
      if (req.pick().get().equals(e.path("name").asText())) {
        return e;
      }
    }
    throw new InfercostException(
        file + ": no entry '" + req.pick().get() + "'; the entries are " + String.join(", ", names),
        Parameter.THROUGHPUT);
  }

  private static JsonNode readJson(Path file) throws InfercostException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InfercostException(
          file + ": cannot read the results file (" + e.getMessage() + ")", Parameter.THROUGHPUT);
    }
    try {
      return StrictJson.reader().readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new InfercostException(
          StrictJson.notValid(file.toString(), e) + "; give a choose or bench results file",
          Parameter.THROUGHPUT);
    } catch (IOException e) {
      throw new InfercostException(
          file + ": cannot read the results file (" + e.getMessage() + ")", Parameter.THROUGHPUT);
    }
  }
}
