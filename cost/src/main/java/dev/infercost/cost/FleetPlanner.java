package dev.infercost.cost;

import dev.infercost.cost.internal.Checks;
import java.util.Locale;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

/**
 * Splits a demand between owned (on-premises) capacity and cloud capacity at least cost, solving
 * the linear program of the product design with ojAlgo's {@link ExpressionsBasedModel}.
 *
 * <h2>The program</h2>
 *
 * Variables (all continuous, >= 0):
 *
 * <ul>
 *   <li>{@code own} — inference rate served by owned machines, in inferences/s;
 *   <li>{@code cloud} — inference rate served by rented cloud machines, in inferences/s;
 *   <li>{@code energy} — electricity drawn, in kWh per hour (that is, average kW).
 * </ul>
 *
 * <pre>
 * minimize   own·P_own + cloud·P_cloud + energy·P_kWh            (USD per hour)
 * subject to own + cloud &gt;= demand                               (inferences/s)
 *            own &lt;= ownCapacity                                   (inferences/s)
 *            cloud &lt;= cloudCapacity       (only when finite)      (inferences/s)
 *            energy = demand ÷ efficiency  (EnergyBasis.DEMAND, the design's formulation)
 *         or energy = own ÷ efficiency     (EnergyBasis.OWN)
 * </pre>
 *
 * <p>Interpretation: {@code own} and {@code cloud} are inference-rate capacities bought by the
 * hour. {@code P_own} and {@code P_cloud} are the prices of one inference/s of capacity for one
 * hour, in USD per (inference/s)·h — a machine's hourly cost divided by its throughput at the
 * latency objective ({@link #usdPerQpsHour}). Capacity is treated as divisible (the LP relaxation
 * of buying whole machines; see {@link Capacity} for whole replicas). {@code efficiency} is in
 * inferences/s per kW of electrical draw (equivalently inferences per kJ), so {@code demand ÷
 * efficiency} is in kW, which over one hour is kWh. {@code P_kWh} is USD per kWh.
 *
 * <p>With {@link EnergyBasis#DEMAND} (the product design's constraint) the energy of serving the
 * whole demand is billed separately; it is fixed by the demand, so it adds to the cost but does not
 * change the split, and {@code P_own}/{@code P_cloud} should then exclude electricity. With {@link
 * EnergyBasis#OWN} only the owned machines' electricity is billed separately (cloud prices include
 * theirs), which makes owned capacity effectively cost {@code P_own + P_kWh ÷ efficiency}; use it
 * with a {@code P_own} that excludes energy ({@link CostModel.OnPremHourly} minus its energy part).
 *
 * <p>Prices may be negative (credits); a negative price on a variable without an upper bound makes
 * the program unbounded, which is reported as a {@link FleetPlanException}, as is infeasibility
 * (demand above own plus cloud capacity).
 */
public final class FleetPlanner {
  static {
    // ojAlgo prints a multi-line note about hardware profiles to stdout on first use unless this
    // property is set; stdout belongs to the command's result (a table or one JSON document).
    if (System.getProperty("shut.up.ojAlgo") == null) {
      System.setProperty("shut.up.ojAlgo", "true");
    }
  }

  private FleetPlanner() {}

  /** Which rate the energy variable follows; see the class comment. */
  public enum EnergyBasis {
    /** energy = demand ÷ efficiency (the product design's formulation). */
    DEMAND,
    /** energy = own ÷ efficiency: only owned machines' electricity is billed separately. */
    OWN
  }

  /**
   * The program's data.
   *
   * @param demandQps demand in inferences/s (>= 0)
   * @param ownCapacityQps owned capacity in inferences/s (>= 0)
   * @param cloudCapacityQps cloud capacity in inferences/s (> 0; {@code +∞} for no limit)
   * @param ownUsdPerQpsHour P_own: USD per hour per inference/s of owned capacity
   * @param cloudUsdPerQpsHour P_cloud: USD per hour per inference/s of cloud capacity
   * @param usdPerKwh P_kWh: electricity price in USD per kWh
   * @param qpsPerKw efficiency: inferences/s per kW of electrical draw (> 0)
   * @param energyBasis which rate the energy follows
   */
  public record Inputs(
      double demandQps,
      double ownCapacityQps,
      double cloudCapacityQps,
      double ownUsdPerQpsHour,
      double cloudUsdPerQpsHour,
      double usdPerKwh,
      double qpsPerKw,
      EnergyBasis energyBasis) {
    public Inputs {
      Checks.nonNegative("demandQps", demandQps);
      Checks.nonNegative("ownCapacityQps", ownCapacityQps);
      if (!(cloudCapacityQps >= 0) || Double.isNaN(cloudCapacityQps)) {
        throw new IllegalArgumentException(
            "cloudCapacityQps must be >= 0 (or +infinity), got " + cloudCapacityQps);
      }
      Checks.finite("ownUsdPerQpsHour", ownUsdPerQpsHour);
      Checks.finite("cloudUsdPerQpsHour", cloudUsdPerQpsHour);
      Checks.finite("usdPerKwh", usdPerKwh);
      Checks.positive("qpsPerKw", qpsPerKw);
      if (energyBasis == null) {
        throw new IllegalArgumentException("energyBasis is required");
      }
    }

    /**
     * The design's program: unlimited cloud capacity, energy following the demand.
     *
     * @see Inputs
     */
    public static Inputs of(
        double demandQps,
        double ownCapacityQps,
        double ownUsdPerQpsHour,
        double cloudUsdPerQpsHour,
        double usdPerKwh,
        double qpsPerKw) {
      return new Inputs(
          demandQps,
          ownCapacityQps,
          Double.POSITIVE_INFINITY,
          ownUsdPerQpsHour,
          cloudUsdPerQpsHour,
          usdPerKwh,
          qpsPerKw,
          EnergyBasis.DEMAND);
    }

    /** These inputs with a cloud capacity limit in inferences/s. */
    public Inputs withCloudCapacity(double qps) {
      return new Inputs(
          demandQps,
          ownCapacityQps,
          qps,
          ownUsdPerQpsHour,
          cloudUsdPerQpsHour,
          usdPerKwh,
          qpsPerKw,
          energyBasis);
    }

    /** These inputs with another energy basis. */
    public Inputs withEnergyBasis(EnergyBasis basis) {
      return new Inputs(
          demandQps,
          ownCapacityQps,
          cloudCapacityQps,
          ownUsdPerQpsHour,
          cloudUsdPerQpsHour,
          usdPerKwh,
          qpsPerKw,
          basis);
    }
  }

  /**
   * The optimal split.
   *
   * @param ownQps inference rate served by owned capacity, inferences/s
   * @param cloudQps inference rate served by cloud capacity, inferences/s
   * @param energyKwhPerHour electricity billed separately, kWh per hour
   * @param ownUsdPerHour own × P_own, USD/h
   * @param cloudUsdPerHour cloud × P_cloud, USD/h
   * @param energyUsdPerHour energy × P_kWh, USD/h
   * @param totalUsdPerHour the objective, USD/h
   * @param solverState ojAlgo's state for the solution ({@code OPTIMAL} or {@code DISTINCT})
   */
  public record Plan(
      double ownQps,
      double cloudQps,
      double energyKwhPerHour,
      double ownUsdPerHour,
      double cloudUsdPerHour,
      double energyUsdPerHour,
      double totalUsdPerHour,
      String solverState) {}

  /**
   * The price of one inference/s of capacity for one hour: {@code hourlyUsd ÷ throughputPerS}, in
   * USD per (inference/s)·h — the P_own or P_cloud of a machine type.
   */
  public static double usdPerQpsHour(double hourlyUsd, double throughputPerS) {
    Checks.finite("hourlyUsd", hourlyUsd);
    Checks.positive("throughputPerS", throughputPerS);
    return hourlyUsd / throughputPerS;
  }

  /**
   * Solves the program.
   *
   * @throws FleetPlanException when it is infeasible, unbounded or the solver fails
   */
  public static Plan plan(Inputs in) throws FleetPlanException {
    ExpressionsBasedModel model = new ExpressionsBasedModel();
    Variable own = model.addVariable("own").lower(0).weight(in.ownUsdPerQpsHour());
    Variable cloud = model.addVariable("cloud").lower(0).weight(in.cloudUsdPerQpsHour());
    Variable energy = model.addVariable("energy").lower(0).weight(in.usdPerKwh());

    Expression demand = model.addExpression("demand").lower(in.demandQps());
    demand.set(own, 1).set(cloud, 1);
    model.addExpression("own_capacity").upper(in.ownCapacityQps()).set(own, 1);
    if (Double.isFinite(in.cloudCapacityQps())) {
      model.addExpression("cloud_capacity").upper(in.cloudCapacityQps()).set(cloud, 1);
    }
    Expression energyDef = model.addExpression("energy_definition").level(0);
    energyDef.set(energy, 1);
    if (in.energyBasis() == EnergyBasis.DEMAND) {
      energyDef.level(in.demandQps() / in.qpsPerKw());
    } else {
      energyDef.set(own, -1.0 / in.qpsPerKw());
    }

    Optimisation.Result r = model.minimise();
    Optimisation.State state = r.getState();
    if (!state.isOptimal()) {
      throw failure(in, state);
    }
    double o = Math.max(0, r.doubleValue(0));
    double c = Math.max(0, r.doubleValue(1));
    double e = Math.max(0, r.doubleValue(2));
    double ownUsd = o * in.ownUsdPerQpsHour();
    double cloudUsd = c * in.cloudUsdPerQpsHour();
    double energyUsd = e * in.usdPerKwh();
    return new Plan(
        o, c, e, ownUsd, cloudUsd, energyUsd, ownUsd + cloudUsd + energyUsd, state.name());
  }

  private static FleetPlanException failure(Inputs in, Optimisation.State state) {
    String s = state.name();
    if (state == Optimisation.State.INFEASIBLE) {
      return new FleetPlanException(
          String.format(
              Locale.ROOT,
              "fleet plan: infeasible (solver state %s): demand %s inferences/s exceeds own"
                  + " capacity %s plus cloud capacity %s; raise a capacity or lower the demand",
              s,
              Checks.fmt(in.demandQps()),
              Checks.fmt(in.ownCapacityQps()),
              Checks.fmt(in.cloudCapacityQps())),
          s);
    }
    if (state == Optimisation.State.UNBOUNDED) {
      return new FleetPlanException(
          "fleet plan: unbounded (solver state "
              + s
              + "): a negative price on a variable without an upper bound lets the cost fall"
              + " forever; make prices >= 0 or cap the cloud capacity",
          s);
    }
    return new FleetPlanException(
        "fleet plan: the solver found no optimum (state " + s + "); check the inputs", s);
  }
}
