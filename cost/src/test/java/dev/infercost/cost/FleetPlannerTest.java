package dev.infercost.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.cost.FleetPlanner.EnergyBasis;
import dev.infercost.cost.FleetPlanner.Inputs;
import dev.infercost.cost.FleetPlanner.Plan;
import org.junit.jupiter.api.Test;

class FleetPlannerTest {
  private static final double EPS = 1e-7;

  @Test
  void ownCapacityCoversAllDemand() throws FleetPlanException {
    // 100 inferences/s, own capacity 200 at 0.001 USD per (inference/s)h, cloud 0.002,
    // electricity 0.1 USD/kWh at 50 inferences/s per kW -> 2 kWh per hour.
    Plan p = FleetPlanner.plan(Inputs.of(100, 200, 0.001, 0.002, 0.1, 50));
    assertEquals(100, p.ownQps(), EPS);
    assertEquals(0, p.cloudQps(), EPS);
    assertEquals(2, p.energyKwhPerHour(), EPS);
    assertEquals(0.1 + 0.2, p.totalUsdPerHour(), EPS);
    assertTrue(p.solverState().equals("OPTIMAL") || p.solverState().equals("DISTINCT"));
  }

  @Test
  void ownCapacityCoversPart() throws FleetPlanException {
    Plan p = FleetPlanner.plan(Inputs.of(100, 60, 0.001, 0.002, 0.1, 50));
    assertEquals(60, p.ownQps(), EPS);
    assertEquals(40, p.cloudQps(), EPS);
    assertEquals(2, p.energyKwhPerHour(), EPS);
    assertEquals(0.06 + 0.08 + 0.2, p.totalUsdPerHour(), EPS);
    assertEquals(0.06, p.ownUsdPerHour(), EPS);
    assertEquals(0.08, p.cloudUsdPerHour(), EPS);
    assertEquals(0.2, p.energyUsdPerHour(), EPS);
  }

  @Test
  void ownMoreExpensiveThanCloudMeansAllCloud() throws FleetPlanException {
    Plan p = FleetPlanner.plan(Inputs.of(100, 500, 0.003, 0.002, 0.1, 50));
    assertEquals(0, p.ownQps(), EPS);
    assertEquals(100, p.cloudQps(), EPS);
    assertEquals(0.2 + 0.2, p.totalUsdPerHour(), EPS);
  }

  @Test
  void zeroDemandCostsNothing() throws FleetPlanException {
    Plan p = FleetPlanner.plan(Inputs.of(0, 50, 0.001, 0.002, 0.1, 50));
    assertEquals(0, p.ownQps(), EPS);
    assertEquals(0, p.cloudQps(), EPS);
    assertEquals(0, p.totalUsdPerHour(), EPS);
  }

  @Test
  void energyFollowingOwnShiftsTheBalance() throws FleetPlanException {
    // Own 0.0015 + electricity 0.1 / 50 = 0.0035 per (inference/s)h > cloud 0.002: all cloud,
    // no energy billed.
    Inputs in = Inputs.of(100, 500, 0.0015, 0.002, 0.1, 50).withEnergyBasis(EnergyBasis.OWN);
    Plan p = FleetPlanner.plan(in);
    assertEquals(0, p.ownQps(), EPS);
    assertEquals(100, p.cloudQps(), EPS);
    assertEquals(0, p.energyKwhPerHour(), EPS);
    // With cheaper electricity own wins: 0.0015 + 0.01 / 50 = 0.0017 < 0.002.
    Plan q =
        FleetPlanner.plan(
            Inputs.of(100, 500, 0.0015, 0.002, 0.01, 50).withEnergyBasis(EnergyBasis.OWN));
    assertEquals(100, q.ownQps(), EPS);
    assertEquals(2, q.energyKwhPerHour(), EPS);
    assertEquals(0.15 + 0.02, q.totalUsdPerHour(), EPS);
  }

  @Test
  void cappedCloudPlusOwnBelowDemandIsInfeasible() {
    Inputs in = Inputs.of(100, 30, 0.001, 0.002, 0.1, 50).withCloudCapacity(50);
    FleetPlanException e = assertThrows(FleetPlanException.class, () -> FleetPlanner.plan(in));
    assertEquals("INFEASIBLE", e.solverState());
    assertTrue(e.getMessage().contains("infeasible"), e.getMessage());
    assertTrue(e.getMessage().contains("demand 100.0"), e.getMessage());
  }

  @Test
  void cappedCloudStillFeasibleWhenEnough() throws FleetPlanException {
    Plan p = FleetPlanner.plan(Inputs.of(100, 30, 0.003, 0.002, 0.1, 50).withCloudCapacity(80));
    assertEquals(80, p.cloudQps(), EPS);
    assertEquals(20, p.ownQps(), EPS);
  }

  @Test
  void negativeUncappedCloudPriceIsUnbounded() {
    Inputs in = Inputs.of(100, 30, 0.001, -0.002, 0.1, 50);
    FleetPlanException e = assertThrows(FleetPlanException.class, () -> FleetPlanner.plan(in));
    assertTrue(e.getMessage().contains("unbounded"), e.getMessage());
    assertEquals("UNBOUNDED", e.solverState());
  }

  @Test
  void pricePerQpsHour() {
    // $0.526/h at 400 inferences/s -> 0.001315 USD per (inference/s)h.
    assertEquals(0.001315, FleetPlanner.usdPerQpsHour(0.526, 400), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> FleetPlanner.usdPerQpsHour(1, 0));
  }

  @Test
  void rejectsBadInputs() {
    assertThrows(IllegalArgumentException.class, () -> Inputs.of(-1, 1, 1, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> Inputs.of(1, -1, 1, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> Inputs.of(1, 1, 1, 1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> Inputs.of(1, 1, Double.NaN, 1, 1, 1));
  }
}
