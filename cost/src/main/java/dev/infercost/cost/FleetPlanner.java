package dev.infercost.cost;

import dev.infercost.cost.internal.Checks;
import java.util.ArrayList;
import java.util.List;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

/**
 * Buy or rent: the mixed fleet that serves a demand profile at least cost, with owned machines
 * (bought once, kept over the whole horizon) and cloud machines (reserved for the whole horizon, or
 * rented on demand or on spot period by period).
 *
 * <h2>The program</h2>
 *
 * For periods t with length h_t hours and demand D_t inferences/s, over the horizon H = Σ h_t:
 *
 * <pre>
 * minimize   H·(N·F + R·P_res) + Σ_t h_t·(a_t·P_od + s_t·P_spot + x_t·e)        (USD)
 * subject to x_t &lt;= N·T_own                    own machines serve at most their capacity
 *            x_t + R·T + a_t·T + s_t·T_spot &gt;= D_t      every period's demand is served
 *            s_t·T_spot &lt;= maxSpotShare·D_t    spot serves at most its share
 *            N &lt;= maxOwnMachines
 *            N, R, a_t, s_t whole machines &gt;= 0; x_t &gt;= 0 (inferences/s)
 * </pre>
 *
 * where N owned machines cost F USD per machine-hour whether busy or idle (amortization and
 * operations: {@link CostModel.OnPremHourly} less energy) and e = E ÷ T_own USD per (inference/s)·h
 * of electricity (E the machine's energy cost per hour at full load: energy follows the load, idle
 * draw is not billed); R reserved cloud machines cost P_res = P_od·(1 − reservedDiscount) every
 * hour; a_t on-demand machines cost P_od; s_t spot machines cost P_spot = P_od·(1 − spotDiscount)
 * and serve T_spot = T·(1 − spotCapacityLoss), the capacity lost to interruptions.
 *
 * <h2>Integrality</h2>
 *
 * Periods of equal demand are solved as one (their hours added): they get the same fleet. The
 * program with whole machines is a mixed-integer program that ojAlgo's branch and bound does not
 * solve in seconds at a week of hourly periods. It is solved in two parts instead:
 *
 * <ol>
 *   <li>its <b>linear relaxation</b> (machines divisible) with ojAlgo's {@link
 *       ExpressionsBasedModel}: a lower bound on any whole-machine plan, reported as {@link
 *       Plan#relaxedUsd};
 *   <li>the <b>whole-machine plan</b>: once N and R are fixed the periods are independent, and each
 *       period's best whole a_t, s_t is found exactly (every spot count; for each, the cost is
 *       convex piecewise linear in a_t, so the best whole a_t is the least feasible one or a
 *       neighbour of the point where own machines stop serving). N and R are enumerated over every
 *       value up to the peak's need when that is at most {@link #EXHAUSTIVE_LIMIT} (N, R, period,
 *       spot count) evaluations ({@link Plan#exhaustive} true: the whole-machine optimum), else
 *       over a window of ±{@link #WINDOW} around the relaxation's N and R ({@link Plan#exhaustive}
 *       false: then {@link Plan#gapToRelaxation} bounds how far from optimal the plan can be).
 * </ol>
 */
public final class FleetPlanner {
  static {
    // ojAlgo prints a multi-line note about hardware profiles to stdout on first use unless this
    // property is set; stdout belongs to the command's result (a table or one JSON document).
    if (System.getProperty("shut.up.ojAlgo") == null) {
      System.setProperty("shut.up.ojAlgo", "true");
    }
  }

  /**
   * The most (N, R, period, spot count) evaluations of an exhaustive whole-machine search (about a
   * second).
   */
  public static final long EXHAUSTIVE_LIMIT = 20_000_000;

  /** Half-width of the search window around the relaxation's N and R when not exhaustive. */
  public static final int WINDOW = 6;

  /** Relative slack under which a quotient counts as the whole number (as {@link Capacity}). */
  private static final double SNAP = 1e-9;

  private FleetPlanner() {}

  /**
   * The owned machine type.
   *
   * @param ownershipUsdPerHour F: amortization plus operations per machine-hour, paid busy or idle
   *     (scales with the purchase price)
   * @param energyUsdPerHour E: electricity per machine-hour at full load (scales with the price per
   *     kWh); billed in proportion to the load
   * @param throughputPerS T_own: inferences/s one machine serves (> 0)
   * @param maxMachines how many can be owned (>= 0)
   */
  public record Own(
      double ownershipUsdPerHour,
      double energyUsdPerHour,
      double throughputPerS,
      long maxMachines) {
    public Own {
      Checks.nonNegative("ownershipUsdPerHour", ownershipUsdPerHour);
      Checks.nonNegative("energyUsdPerHour", energyUsdPerHour);
      Checks.positive("throughputPerS", throughputPerS);
      if (maxMachines < 0) {
        throw new IllegalArgumentException("maxMachines must be >= 0, got " + maxMachines);
      }
    }

    /** USD per (inference/s)·h of electricity: E ÷ T_own. */
    double energyPerQpsHour() {
      return energyUsdPerHour / throughputPerS;
    }
  }

  /**
   * Spot terms.
   *
   * @param discount spot price = on-demand × (1 − discount), in [0, 1)
   * @param capacityLoss share of a spot machine's throughput lost to interruptions, in [0, 1)
   * @param maxShare largest share of a period's demand spot may serve, in [0, 1]
   */
  public record Spot(double discount, double capacityLoss, double maxShare) {
    public Spot {
      fraction("spot discount", discount, false);
      fraction("spot capacity loss", capacityLoss, false);
      fraction("spot share", maxShare, true);
    }
  }

  /**
   * The cloud machine type and how it can be bought.
   *
   * @param id its catalog id (for reports)
   * @param onDemandUsdPerHour P_od: on-demand price per machine-hour (> 0)
   * @param throughputPerS T: inferences/s one machine serves (> 0)
   * @param spot spot terms, or null when spot is not used
   * @param reservedDiscount reserved price = on-demand × (1 − discount), in [0, 1); null when
   *     reserved machines are not used
   */
  public record Cloud(
      String id,
      double onDemandUsdPerHour,
      double throughputPerS,
      Spot spot,
      Double reservedDiscount) {
    public Cloud {
      Checks.nonBlank("cloud id", id);
      Checks.positive("onDemandUsdPerHour", onDemandUsdPerHour);
      Checks.positive("throughputPerS", throughputPerS);
      if (reservedDiscount != null) {
        fraction("reserved discount", reservedDiscount, false);
      }
    }

    double spotUsdPerHour() {
      return onDemandUsdPerHour * (1 - spot.discount());
    }

    double spotThroughputPerS() {
      return throughputPerS * (1 - spot.capacityLoss());
    }

    double reservedUsdPerHour() {
      return onDemandUsdPerHour * (1 - reservedDiscount);
    }
  }

  /**
   * One period of the demand profile.
   *
   * @param label its name ({@code mon 09:00})
   * @param hours its length in hours (> 0)
   * @param demandQps the demand in inferences/s (>= 0)
   */
  public record Period(String label, double hours, double demandQps) {
    public Period {
      Checks.nonBlank("period label", label);
      Checks.positive("hours", hours);
      Checks.nonNegative("demandQps", demandQps);
    }
  }

  /**
   * The program's data.
   *
   * @param periods the demand profile (at least one period)
   * @param own the owned machine type
   * @param cloud the cloud machine type
   */
  public record Problem(List<Period> periods, Own own, Cloud cloud) {
    public Problem {
      periods = List.copyOf(periods);
      if (periods.isEmpty()) {
        throw new IllegalArgumentException("a plan needs at least one period");
      }
      if (own == null || cloud == null) {
        throw new IllegalArgumentException("own and cloud are required");
      }
    }

    /** Σ hours. */
    public double hours() {
      return periods.stream().mapToDouble(Period::hours).sum();
    }

    /** The largest demand, inferences/s. */
    public double peakQps() {
      return periods.stream().mapToDouble(Period::demandQps).max().orElse(0);
    }

    /** Σ demand × hours × 3600: the inferences served over the horizon. */
    public double inferences() {
      return periods.stream().mapToDouble(p -> p.demandQps() * p.hours() * 3600).sum();
    }

    /** The same problem with every demand, the electricity or the purchase price scaled. */
    public Problem scaled(double demand, double electricity, double purchase) {
      List<Period> ps = new ArrayList<>();
      for (Period p : periods) {
        ps.add(new Period(p.label(), p.hours(), p.demandQps() * demand));
      }
      Own o =
          new Own(
              own.ownershipUsdPerHour() * purchase,
              own.energyUsdPerHour() * electricity,
              own.throughputPerS(),
              own.maxMachines());
      return new Problem(ps, o, cloud);
    }
  }

  /**
   * The fleet of one period.
   *
   * @param period the period
   * @param own owned machines (the same in every period)
   * @param reserved reserved cloud machines (the same in every period)
   * @param onDemand on-demand cloud machines this period
   * @param spot spot cloud machines this period
   * @param ownServedQps inferences/s the owned machines serve
   * @param capacityQps what the fleet can serve: own + reserved + on-demand + spot capacity
   * @param usd this period's cost: its share of the owned and reserved machines, the rented ones
   *     and the owned machines' electricity
   */
  public record PeriodPlan(
      Period period,
      long own,
      long reserved,
      long onDemand,
      long spot,
      double ownServedQps,
      double capacityQps,
      double usd) {}

  /**
   * The whole-machine plan.
   *
   * @param ownMachines N
   * @param reservedMachines R
   * @param periods the fleet of every period, in order
   * @param ownershipUsd H·N·F
   * @param energyUsd the owned machines' electricity
   * @param reservedUsd H·R·P_res
   * @param onDemandUsd Σ h_t·a_t·P_od
   * @param spotUsd Σ h_t·s_t·P_spot
   * @param totalUsd the sum, over the horizon
   * @param usdPerMillion totalUsd ÷ inferences × 10⁶ (NaN without demand)
   * @param relaxedUsd the linear relaxation's optimum: no whole-machine plan costs less
   * @param relaxedOwnMachines the relaxation's (fractional) N
   * @param gapToRelaxation (totalUsd − relaxedUsd) ÷ relaxedUsd (0 when both are 0)
   * @param exhaustive true when every N and R up to the peak's need was tried (the whole-machine
   *     optimum); false when a window around the relaxation was
   */
  public record Plan(
      long ownMachines,
      long reservedMachines,
      List<PeriodPlan> periods,
      double ownershipUsd,
      double energyUsd,
      double reservedUsd,
      double onDemandUsd,
      double spotUsd,
      double totalUsd,
      double usdPerMillion,
      double relaxedUsd,
      double relaxedOwnMachines,
      double gapToRelaxation,
      boolean exhaustive) {
    public Plan {
      periods = List.copyOf(periods);
    }
  }

  /**
   * The cheapest whole-machine fleet; see the class comment.
   *
   * @throws FleetPlanException when the relaxation has no optimum (the solver failed)
   */
  public static Plan plan(Problem problem) throws FleetPlanException {
    // Periods of equal demand get equal fleets: solve over one period per demand level, weighted
    // by its hours, then lay the fleet out per period.
    Problem levels = levels(problem);
    Relaxation lp = relax(levels);
    long nMax = Math.min(problem.own().maxMachines(), ceil(problem.peakQps(), problem.own()));
    long rMax =
        problem.cloud().reservedDiscount() == null
            ? 0
            : ceil(problem.peakQps() / problem.cloud().throughputPerS());
    double work = (nMax + 1) * (double) (rMax + 1) * rentWork(levels);
    boolean exhaustive = work <= EXHAUSTIVE_LIMIT;
    long n0 = exhaustive ? 0 : Math.max(0, (long) Math.floor(lp.own()) - WINDOW);
    long n1 = exhaustive ? nMax : Math.min(nMax, (long) Math.ceil(lp.own()) + WINDOW);
    long r0 = exhaustive ? 0 : Math.max(0, (long) Math.floor(lp.reserved()) - WINDOW);
    long r1 = exhaustive ? rMax : Math.min(rMax, (long) Math.ceil(lp.reserved()) + WINDOW);
    double best = Double.POSITIVE_INFINITY;
    long bestN = 0;
    long bestR = 0;
    for (long n = n0; n <= n1; n++) {
      for (long r = r0; r <= r1; r++) {
        double c = cost(levels, n, r);
        if (better(c, best)) {
          best = c;
          bestN = n;
          bestR = r;
        }
      }
    }
    return planAt(problem, bestN, bestR, lp, exhaustive);
  }

  /** One period per distinct demand, its hours the sum of those periods' hours. */
  static Problem levels(Problem problem) {
    java.util.Map<Double, Double> hours = new java.util.LinkedHashMap<>();
    for (Period p : problem.periods()) {
      hours.merge(p.demandQps(), p.hours(), Double::sum);
    }
    List<Period> out = new ArrayList<>();
    hours.forEach((q, h) -> out.add(new Period("demand " + q, h, q)));
    return new Problem(out, problem.own(), problem.cloud());
  }

  /** The spot counts {@link #rent} tries over all periods: the inner work of one (N, R). */
  private static double rentWork(Problem problem) {
    Cloud c = problem.cloud();
    double work = 0;
    for (Period p : problem.periods()) {
      work +=
          1
              + (c.spot() == null
                  ? 0
                  : Math.ceil(c.spot().maxShare() * p.demandQps() / c.spotThroughputPerS()));
    }
    return work;
  }

  /**
   * The cost of owning {@code n} and reserving {@code r} machines, each period's rented machines
   * chosen at best (USD over the horizon).
   */
  public static double cost(Problem problem, long n, long r) {
    double sum = fixedUsd(problem, n, r);
    for (Period p : problem.periods()) {
      sum += p.hours() * rent(problem, p, n, r).usdPerHour();
    }
    return sum;
  }

  /**
   * The plan again with one input moved.
   *
   * @param parameter {@code electricity}, {@code demand} or {@code hardware price}
   * @param changePercent how far it moved, percent
   * @param ownMachines N at that input
   * @param reservedMachines R at that input
   * @param usdPerMillion cost per 1M inferences at that input
   */
  public record Shift(
      String parameter,
      double changePercent,
      long ownMachines,
      long reservedMachines,
      double usdPerMillion) {}

  /**
   * The plan with the electricity price, every period's demand and the purchase price (amortization
   * and operations) each moved by −{@code percent} and +{@code percent}, one at a time.
   */
  public static List<Shift> sensitivity(Problem problem, double percent) throws FleetPlanException {
    List<Shift> out = new ArrayList<>();
    for (String what : List.of("electricity", "demand", "hardware price")) {
      for (double sign : new double[] {-1, 1}) {
        double f = 1 + sign * percent / 100;
        Problem moved =
            problem.scaled(
                what.equals("demand") ? f : 1,
                what.equals("electricity") ? f : 1,
                what.equals("hardware price") ? f : 1);
        Plan p = plan(moved);
        out.add(
            new Shift(
                what, sign * percent, p.ownMachines(), p.reservedMachines(), p.usdPerMillion()));
      }
    }
    return out;
  }

  /**
   * The utilization above which an owned machine costs less than renting the same capacity on
   * demand, paid only for what is used: {@code F ÷ (T_own·P_od ÷ T − E)}; empty when owning never
   * breaks even (the break-even lies above 100 %, or renting a machine's worth costs no more than
   * its electricity).
   */
  public static java.util.OptionalDouble breakEvenUtilization(Own own, Cloud cloud) {
    return breakEven(own, cloud.onDemandUsdPerHour() / cloud.throughputPerS());
  }

  /**
   * As {@link #breakEvenUtilization} against spot at its price and usable capacity; empty without
   * spot or when owning never breaks even.
   */
  public static java.util.OptionalDouble breakEvenUtilizationSpot(Own own, Cloud cloud) {
    if (cloud.spot() == null) {
      return java.util.OptionalDouble.empty();
    }
    return breakEven(own, cloud.spotUsdPerHour() / cloud.spotThroughputPerS());
  }

  private static java.util.OptionalDouble breakEven(Own own, double rentPerQpsHour) {
    double margin = own.throughputPerS() * rentPerQpsHour - own.energyUsdPerHour();
    double u = own.ownershipUsdPerHour() / margin;
    if (!(margin > 0) || u > 1) {
      return java.util.OptionalDouble.empty();
    }
    return java.util.OptionalDouble.of(u);
  }

  private static Plan planAt(Problem problem, long n, long r, Relaxation lp, boolean exhaustive) {
    List<PeriodPlan> out = new ArrayList<>();
    double energy = 0;
    double onDemand = 0;
    double spot = 0;
    Cloud c = problem.cloud();
    double share = fixedUsd(problem, n, r) / problem.hours();
    for (Period p : problem.periods()) {
      Rented x = rent(problem, p, n, r);
      double capacity =
          n * problem.own().throughputPerS()
              + (r + x.onDemand()) * c.throughputPerS()
              + (x.spot() == 0 ? 0 : x.spot() * c.spotThroughputPerS());
      PeriodPlan pp =
          new PeriodPlan(
              p,
              n,
              r,
              x.onDemand(),
              x.spot(),
              x.ownServedQps(),
              capacity,
              p.hours() * (share + x.usdPerHour()));
      out.add(pp);
      energy += p.hours() * pp.ownServedQps() * problem.own().energyPerQpsHour();
      onDemand += p.hours() * pp.onDemand() * c.onDemandUsdPerHour();
      spot += pp.spot() == 0 ? 0 : p.hours() * pp.spot() * c.spotUsdPerHour();
    }
    double h = problem.hours();
    double ownership = h * n * problem.own().ownershipUsdPerHour();
    double reserved = r == 0 ? 0 : h * r * c.reservedUsdPerHour();
    double total = ownership + reserved + energy + onDemand + spot;
    double inferences = problem.inferences();
    double gap =
        lp.usd() > 0 ? (total - lp.usd()) / lp.usd() : (total > 0 ? Double.POSITIVE_INFINITY : 0);
    return new Plan(
        n,
        r,
        out,
        ownership,
        energy,
        reserved,
        onDemand,
        spot,
        total,
        inferences > 0 ? total / inferences * 1e6 : Double.NaN,
        lp.usd(),
        lp.own(),
        gap,
        exhaustive);
  }

  private static double fixedUsd(Problem problem, long n, long r) {
    double res = r == 0 ? 0 : r * problem.cloud().reservedUsdPerHour();
    return problem.hours() * (n * problem.own().ownershipUsdPerHour() + res);
  }

  /**
   * One period's rented machines given N and R, what the owned machines serve, and the hourly cost
   * of both (rent plus the owned machines' electricity).
   */
  record Rented(long onDemand, long spot, double ownServedQps, double usdPerHour) {}

  /** The best rented machines of one period given N and R; see the class comment. */
  static Rented rent(Problem problem, Period p, long n, long r) {
    Own own = problem.own();
    Cloud c = problem.cloud();
    double t = c.throughputPerS();
    double e = own.energyPerQpsHour();
    double ownCap = n * own.throughputPerS();
    double rest = Math.max(0, p.demandQps() - r * t);
    long sMax = 0;
    double tSpot = 0;
    double pSpot = 0;
    if (c.spot() != null && c.spot().maxShare() > 0) {
      tSpot = c.spotThroughputPerS();
      pSpot = c.spotUsdPerHour();
      sMax = Math.min(floor(c.spot().maxShare() * p.demandQps() / tSpot), ceil(rest / tSpot));
    }
    double bestHourly = Double.POSITIVE_INFINITY;
    long bestA = 0;
    long bestS = 0;
    for (long s = 0; s <= sMax; s++) {
      double rem = rest - s * tSpot;
      long aMin = Math.max(0, ceil((rem - ownCap) / t));
      long kinkLo = rem <= 0 ? 0 : (long) Math.floor(rem / t);
      long kinkHi = rem <= 0 ? 0 : ceil(rem / t);
      for (long a : new long[] {aMin, Math.max(aMin, kinkLo), Math.max(aMin, kinkHi)}) {
        double hourly = a * c.onDemandUsdPerHour() + s * pSpot + e * Math.max(0, rem - a * t);
        if (better(hourly, bestHourly)) {
          bestHourly = hourly;
          bestA = a;
          bestS = s;
        }
      }
    }
    return new Rented(bestA, bestS, Math.max(0, rest - bestA * t - bestS * tSpot), bestHourly);
  }

  /** The linear relaxation's optimum (USD), N and R. */
  record Relaxation(double usd, double own, double reserved) {}

  static Relaxation relax(Problem problem) throws FleetPlanException {
    Own o = problem.own();
    Cloud c = problem.cloud();
    double h = problem.hours();
    ExpressionsBasedModel model = new ExpressionsBasedModel();
    Variable n =
        model
            .addVariable("own")
            .lower(0)
            .upper(o.maxMachines())
            .weight(h * o.ownershipUsdPerHour());
    Variable r = null;
    if (c.reservedDiscount() != null) {
      r = model.addVariable("reserved").lower(0).weight(h * c.reservedUsdPerHour());
    }
    int i = 0;
    for (Period p : problem.periods()) {
      Variable a = model.addVariable("a" + i).lower(0).weight(p.hours() * c.onDemandUsdPerHour());
      Variable x = model.addVariable("x" + i).lower(0).weight(p.hours() * o.energyPerQpsHour());
      model.addExpression("own" + i).upper(0).set(x, 1).set(n, -o.throughputPerS());
      var demand = model.addExpression("demand" + i).lower(p.demandQps());
      demand.set(x, 1).set(a, c.throughputPerS());
      if (r != null) {
        demand.set(r, c.throughputPerS());
      }
      if (c.spot() != null && c.spot().maxShare() > 0) {
        Variable s = model.addVariable("s" + i).lower(0).weight(p.hours() * c.spotUsdPerHour());
        demand.set(s, c.spotThroughputPerS());
        model
            .addExpression("spot" + i)
            .upper(c.spot().maxShare() * p.demandQps())
            .set(s, c.spotThroughputPerS());
      }
      i++;
    }
    Optimisation.Result res = model.minimise();
    if (!res.getState().isOptimal()) {
      throw new FleetPlanException(
          "fleet plan: the linear relaxation found no optimum (solver state "
              + res.getState().name()
              + "); check the demand and prices",
          res.getState().name());
    }
    // Variables are indexed in the order they were added: own, then reserved when present.
    return new Relaxation(
        Math.max(0, res.getValue()),
        Math.max(0, res.doubleValue(0)),
        r == null ? 0 : Math.max(0, res.doubleValue(1)));
  }

  /** Whether {@code c} is cheaper than {@code best} by more than rounding (ties keep the first). */
  private static boolean better(double c, double best) {
    return Double.isInfinite(best) ? c < best : c < best - 1e-12 * Math.abs(best);
  }

  private static long ceil(double peak, Own own) {
    return ceil(peak / own.throughputPerS());
  }

  /** ⌈q⌉ with quotients within {@link #SNAP} of a whole number taken as that number. */
  static long ceil(double q) {
    double w = Math.rint(q);
    if (Math.abs(q - w) <= SNAP * Math.max(1, Math.abs(w))) {
      return (long) w;
    }
    return (long) Math.ceil(q);
  }

  private static long floor(double q) {
    double w = Math.rint(q);
    if (Math.abs(q - w) <= SNAP * Math.max(1, Math.abs(w))) {
      return (long) w;
    }
    return (long) Math.floor(q);
  }

  private static void fraction(String what, double v, boolean closed) {
    if (!(v >= 0 && (closed ? v <= 1 : v < 1))) {
      throw new IllegalArgumentException(
          what + " must be in [0, 1" + (closed ? "]" : ")") + ", got " + Checks.fmt(v));
    }
  }
}
