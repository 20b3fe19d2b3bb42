package dev.infercost.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.cost.FleetPlanner.Cloud;
import dev.infercost.cost.FleetPlanner.Own;
import dev.infercost.cost.FleetPlanner.Period;
import dev.infercost.cost.FleetPlanner.Plan;
import dev.infercost.cost.FleetPlanner.Problem;
import dev.infercost.cost.FleetPlanner.Shift;
import dev.infercost.cost.FleetPlanner.Spot;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FleetPlannerTest {
  private static final double EPS = 1e-7;

  /** Own: $0.5/h ownership, $0.2/h electricity at full load, 100 inferences/s per machine. */
  private static final Own OWN = new Own(0.5, 0.2, 100, Long.MAX_VALUE);

  @Test
  void steadyDemandOnOneOwnedMachine() throws FleetPlanException {
    // 100/s for 24 h. One owned machine: 24 x 0.5 + 24 x 0.2 = 16.8. Renting: 2 machines of 50/s
    // at $1/h = 48. Two owned: 24 + 4.8 = 28.8.
    Problem p =
        new Problem(List.of(new Period("day", 24, 100)), OWN, new Cloud("c", 1.0, 50, null, null));
    Plan plan = FleetPlanner.plan(p);
    assertEquals(1, plan.ownMachines());
    assertEquals(0, plan.periods().get(0).onDemand());
    assertEquals(16.8, plan.totalUsd(), EPS);
    assertEquals(12, plan.ownershipUsd(), EPS);
    assertEquals(4.8, plan.energyUsd(), EPS);
    assertEquals(16.8 / (100 * 24 * 3600) * 1e6, plan.usdPerMillion(), EPS);
    assertTrue(plan.exhaustive());
    assertEquals(16.8, plan.relaxedUsd(), 1e-6);
  }

  @Test
  void peakIsRentedWhenOwningItWouldIdleTooMuch() throws FleetPlanException {
    // 12 h at 100/s, 12 h at 300/s; cloud $0.9/h for 100/s. Owned machine busy all day: 0.7/h <
    // 0.9; a second one busy half the day: 12 + 2.4 > renting 10.8. By hand: N = 0: 43.2; N = 1:
    // 12 + 4.8 + 21.6 = 38.4; N = 2: 24 + 7.2 + 10.8 = 42.0; N = 3: 36 + 9.6 = 45.6.
    Problem p = twoPeriods();
    Plan plan = FleetPlanner.plan(p);
    assertEquals(1, plan.ownMachines());
    assertEquals(38.4, plan.totalUsd(), EPS);
    assertEquals(0, plan.periods().get(0).onDemand());
    assertEquals(2, plan.periods().get(1).onDemand());
    assertEquals(300, plan.periods().get(1).capacityQps(), EPS);
    assertEquals(100, plan.periods().get(1).ownServedQps(), EPS);
    assertEquals(21.6, plan.onDemandUsd(), EPS);
    assertEquals(43.2, FleetPlanner.cost(p, 0, 0), EPS);
    assertEquals(42.0, FleetPlanner.cost(p, 2, 0), EPS);
    assertEquals(45.6, FleetPlanner.cost(p, 3, 0), EPS);
    // The relaxation is 43.2 - 4.8 N below one machine and 34.8 + 3.6 N above: its optimum is
    // at N = 1 too.
    assertEquals(38.4, plan.relaxedUsd(), 1e-6);
    assertEquals(1, plan.relaxedOwnMachines(), 1e-6);
    assertEquals(0, plan.gapToRelaxation(), 1e-6);
    // Period costs add up to the total.
    assertEquals(
        plan.totalUsd(),
        plan.periods().stream().mapToDouble(FleetPlanner.PeriodPlan::usd).sum(),
        EPS);
  }

  @Test
  void reservedAndSpotCoverASteadyDemand() throws FleetPlanException {
    // 250/s for 10 h; own too dear ($10/h). Cloud $1/h for 100/s, spot at half price losing 20 %
    // (80/s) on at most half the demand (one spot machine), reserved 30 % off ($0.7/h).
    // One spot + 2 reserved: 1.9/h; 3 reserved: 2.1/h; on-demand only: 3/h.
    Problem p =
        new Problem(
            List.of(new Period("p", 10, 250)),
            new Own(10, 0, 100, Long.MAX_VALUE),
            new Cloud("c", 1.0, 100, new Spot(0.5, 0.2, 0.5), 0.3));
    Plan plan = FleetPlanner.plan(p);
    assertEquals(0, plan.ownMachines());
    assertEquals(2, plan.reservedMachines());
    assertEquals(1, plan.periods().get(0).spot());
    assertEquals(0, plan.periods().get(0).onDemand());
    assertEquals(19, plan.totalUsd(), EPS);
    assertEquals(14, plan.reservedUsd(), EPS);
    assertEquals(5, plan.spotUsd(), EPS);
  }

  @Test
  void ownCapacityLimitIsKept() throws FleetPlanException {
    Problem p =
        new Problem(
            List.of(new Period("day", 24, 500)),
            new Own(0.5, 0.2, 100, 2),
            new Cloud("c", 1.0, 100, null, null));
    Plan plan = FleetPlanner.plan(p);
    assertEquals(2, plan.ownMachines());
    assertEquals(3, plan.periods().get(0).onDemand());
  }

  @Test
  void zeroDemandOwnsAndRentsNothing() throws FleetPlanException {
    Plan plan =
        FleetPlanner.plan(
            new Problem(
                List.of(new Period("night", 8, 0)), OWN, new Cloud("c", 1, 100, null, null)));
    assertEquals(0, plan.ownMachines());
    assertEquals(0, plan.totalUsd(), EPS);
    assertTrue(Double.isNaN(plan.usdPerMillion()));
  }

  @Test
  void wholeMachinePlanMatchesBruteForceOnSmallCases() throws FleetPlanException {
    Random rnd = new Random(13);
    for (int k = 0; k < 300; k++) {
      int n = 1 + rnd.nextInt(3);
      List<Period> periods = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        periods.add(
            new Period("p" + i, 1 + rnd.nextInt(12), rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(400)));
      }
      Own own =
          new Own(
              rnd.nextDouble() * 2,
              rnd.nextDouble() * 0.5,
              40 + rnd.nextInt(120),
              rnd.nextBoolean() ? Long.MAX_VALUE : rnd.nextInt(4));
      Spot spot =
          rnd.nextBoolean()
              ? new Spot(rnd.nextDouble() * 0.8, rnd.nextDouble() * 0.3, rnd.nextDouble())
              : null;
      Double reserved = rnd.nextBoolean() ? rnd.nextDouble() * 0.6 : null;
      Cloud cloud = new Cloud("c", 0.2 + rnd.nextDouble(), 30 + rnd.nextInt(120), spot, reserved);
      Problem p = new Problem(periods, own, cloud);
      Plan plan = FleetPlanner.plan(p);
      double brute = bruteForce(p);
      assertEquals(brute, plan.totalUsd(), 1e-9 * Math.max(1, brute), "case " + k + ": " + p);
      assertTrue(plan.relaxedUsd() <= plan.totalUsd() + 1e-6, "relaxation is a lower bound");
      assertTrue(plan.exhaustive());
    }
  }

  /**
   * Every owned, reserved, on-demand and spot count up to one past what the peak needs; the owned
   * machines serve what the rented ones leave.
   */
  private static double bruteForce(Problem p) {
    Own o = p.own();
    Cloud c = p.cloud();
    double peak = p.peakQps();
    long nMax = Math.min(o.maxMachines(), (long) Math.ceil(peak / o.throughputPerS()) + 1);
    long rMax = c.reservedDiscount() == null ? 0 : (long) Math.ceil(peak / c.throughputPerS()) + 1;
    double tSpot = c.spot() == null ? 0 : c.throughputPerS() * (1 - c.spot().capacityLoss());
    double best = Double.POSITIVE_INFINITY;
    for (long n = 0; n <= nMax; n++) {
      for (long r = 0; r <= rMax; r++) {
        double total =
            p.hours()
                * (n * o.ownershipUsdPerHour()
                    + (r == 0 ? 0 : r * c.onDemandUsdPerHour() * (1 - c.reservedDiscount())));
        for (Period t : p.periods()) {
          double periodBest = Double.POSITIVE_INFINITY;
          long aMax = (long) Math.ceil(t.demandQps() / c.throughputPerS()) + 1;
          long sMax = c.spot() == null ? 0 : (long) Math.ceil(t.demandQps() / tSpot) + 1;
          for (long a = 0; a <= aMax; a++) {
            for (long s = 0; s <= sMax; s++) {
              if (s > 0 && s * tSpot > c.spot().maxShare() * t.demandQps() + 1e-9) {
                continue;
              }
              double left = t.demandQps() - (r + a) * c.throughputPerS() - s * tSpot;
              double x = Math.max(0, left);
              if (x > n * o.throughputPerS() + 1e-9) {
                continue;
              }
              double hourly =
                  a * c.onDemandUsdPerHour()
                      + (s == 0 ? 0 : s * c.onDemandUsdPerHour() * (1 - c.spot().discount()))
                      + x * o.energyUsdPerHour() / o.throughputPerS();
              periodBest = Math.min(periodBest, hourly);
            }
          }
          total += t.hours() * periodBest;
        }
        best = Math.min(best, total);
      }
    }
    return best;
  }

  @Test
  void largeFleetsAreSearchedAroundTheRelaxation() throws FleetPlanException {
    List<Period> week = new ArrayList<>();
    for (int h = 0; h < 168; h++) {
      week.add(new Period("h" + h, 1, 200_000 + 150_000 * Math.sin(h * Math.PI / 12)));
    }
    Problem p =
        new Problem(
            week, new Own(0.15, 0.05, 400, Long.MAX_VALUE), new Cloud("c", 0.17, 150, null, 0.35));
    Plan plan = FleetPlanner.plan(p);
    assertFalse(plan.exhaustive());
    assertTrue(plan.totalUsd() >= plan.relaxedUsd() - 1e-6);
    // Whole machines cost at most a fraction of a percent over divisible ones at this scale.
    assertTrue(plan.gapToRelaxation() < 0.01, "gap " + plan.gapToRelaxation());
    assertTrue(plan.ownMachines() > 0);
  }

  @Test
  void breakEvenUtilizationByHand() {
    Cloud cloud = new Cloud("c", 0.9, 100, new Spot(0.5, 0.2, 1), null);
    // F / (T_own x P_od / T - E) = 0.5 / (100 x 0.009 - 0.2) = 0.5 / 0.7.
    assertEquals(0.5 / 0.7, FleetPlanner.breakEvenUtilization(OWN, cloud).getAsDouble(), 1e-12);
    // Spot: 0.45 $/h for 80/s: 100 x 0.45 / 80 - 0.2 = 0.3625; 0.5 / 0.3625 > 1: never.
    assertTrue(FleetPlanner.breakEvenUtilizationSpot(OWN, cloud).isEmpty());
    // Renting cheaper than the electricity alone: never.
    assertTrue(
        FleetPlanner.breakEvenUtilization(OWN, new Cloud("c", 0.1, 100, null, null)).isEmpty());
    assertTrue(
        FleetPlanner.breakEvenUtilizationSpot(OWN, new Cloud("c", 1, 100, null, null)).isEmpty());
  }

  @Test
  void sensitivityMovesOneInputAtATime() throws FleetPlanException {
    List<Shift> shifts = FleetPlanner.sensitivity(twoPeriods(), 20);
    assertEquals(6, shifts.size());
    double inferences = (12 * 100 + 12 * 300) * 3600.0;
    Shift up = shifts.get(1);
    assertEquals("electricity", up.parameter());
    assertEquals(20, up.changePercent(), 0);
    // Energy 4.8 x 1.2 = 5.76: the plan stays at one owned machine, 38.4 + 0.96.
    assertEquals(1, up.ownMachines());
    assertEquals(39.36 / inferences * 1e6, up.usdPerMillion(), EPS);
    // Hardware 20 % dearer: ownership 0.6/h, owned + electricity 0.8 < 0.9 still: 14.4 + 4.8 +
    // 21.6.
    Shift hw = shifts.get(5);
    assertEquals("hardware price", hw.parameter());
    assertEquals(1, hw.ownMachines());
    assertEquals(40.8 / inferences * 1e6, hw.usdPerMillion(), EPS);
    // Demand -20 %: 80/s and 240/s. N = 1: at peak two rented machines serve 200 and the owned one
    // the other 40: 12 + 12 x 0.002 x (80 + 40) + 12 x 0.9 x 2 = 36.48; N = 0: 12 x 0.9 x 4 = 43.2.
    Shift down = shifts.get(2);
    assertEquals("demand", down.parameter());
    assertEquals(-20, down.changePercent(), 0);
    assertEquals(1, down.ownMachines());
    assertEquals(36.48 / (inferences * 0.8) * 1e6, down.usdPerMillion(), EPS);
  }

  @Test
  void rejectsBadInputs() {
    assertThrows(IllegalArgumentException.class, () -> new Period("p", 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new Period("p", 1, -1));
    assertThrows(IllegalArgumentException.class, () -> new Period("p", 1, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new Own(-1, 0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new Own(1, 0, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new Spot(1, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new Spot(0.5, 0, 1.5));
    assertThrows(IllegalArgumentException.class, () -> new Cloud("c", 1, 1, null, 1.0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Problem(List.of(), OWN, new Cloud("c", 1, 1, null, null)));
  }

  private static Problem twoPeriods() {
    return new Problem(
        List.of(new Period("low", 12, 100), new Period("high", 12, 300)),
        OWN,
        new Cloud("c", 0.9, 100, null, null));
  }
}
