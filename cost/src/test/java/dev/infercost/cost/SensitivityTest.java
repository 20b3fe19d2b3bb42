package dev.infercost.cost;

import static dev.infercost.cost.OptimizerTest.PRICES;
import static dev.infercost.cost.OptimizerTest.REQUEST;
import static dev.infercost.cost.OptimizerTest.ROWS;
import static dev.infercost.cost.OptimizerTest.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.cost.Optimizer.Request;
import dev.infercost.cost.Optimizer.Row;
import dev.infercost.cost.Sensitivity.Breakpoint;
import dev.infercost.cost.Sensitivity.Report;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SensitivityTest {
  private static Breakpoint price(Report r, String hw) {
    return r.prices().stream()
        .filter(b -> b.parameter().equals("price:" + hw))
        .findFirst()
        .orElseThrow();
  }

  private static Row winner(List<Row> rows, Map<String, Double> prices, Request req) {
    return Optimizer.choose(rows, prices, req).winner().orElseThrow().row();
  }

  @Test
  void priceBreakpointsInClosedForm() {
    Report r = Sensitivity.analyze(ROWS, PRICES, REQUEST);
    assertEquals("fp16", r.winner().row().variant());
    // Winner fp16@gpu-b costs 1/18 per million; the best candidate elsewhere (int8@cpu-a) 1/9:
    // gpu-b's price can double before int8@cpu-a wins.
    Breakpoint gpu = price(r, "gpu-b");
    assertNull(gpu.lower());
    assertEquals(2.0, gpu.upper().value(), 1e-12);
    assertEquals(100.0, gpu.upper().changePercent(), 1e-9);
    assertEquals("int8", gpu.upper().newWinner().variant());
    // cpu-a's price must halve before int8@cpu-a wins.
    Breakpoint cpu = price(r, "cpu-a");
    assertNull(cpu.upper());
    assertEquals(0.05, cpu.lower().value(), 1e-12);
    assertEquals(-50.0, cpu.lower().changePercent(), 1e-9);
    assertEquals("int8", cpu.lower().newWinner().variant());
  }

  @Test
  void priceBreakpointsAreWhereTheWinnerReallyChanges() {
    Report r = Sensitivity.analyze(ROWS, PRICES, REQUEST);
    Row w = r.winner().row();
    for (Breakpoint b : r.prices()) {
      String hw = b.parameter().substring("price:".length());
      for (Sensitivity.Bound bound : new Sensitivity.Bound[] {b.lower(), b.upper()}) {
        if (bound == null) {
          continue;
        }
        double towardBase = bound == b.lower() ? 1.001 : 0.999;
        double beyond = bound == b.lower() ? 0.999 : 1.001;
        Map<String, Double> p = new HashMap<>(PRICES);
        p.put(hw, bound.value() * towardBase);
        assertEquals(w, winner(ROWS, p, REQUEST), b.parameter());
        p.put(hw, bound.value() * beyond);
        assertEquals(bound.newWinner(), winner(ROWS, p, REQUEST), b.parameter());
      }
    }
  }

  @Test
  void accuracyBoundBreakpoints() {
    Report r = Sensitivity.analyze(ROWS, PRICES, REQUEST);
    Breakpoint a = r.accuracyBound();
    assertEquals(0.01, a.base());
    // Tightening below the winner's own drop (0.001) hands the win to fp32@gpu-b.
    assertEquals(0.001, a.lower().value(), 0);
    assertEquals(-90.0, a.lower().changePercent(), 1e-9);
    assertEquals("fp32", a.lower().newWinner().variant());
    assertEquals("gpu-b", a.lower().newWinner().hardwareId());
    // Loosening to 0.03 admits int8-aggressive@cpu-a, which is cheaper.
    assertEquals(0.03, a.upper().value(), 0);
    assertEquals(200.0, a.upper().changePercent(), 1e-9);
    assertEquals("int8-aggressive", a.upper().newWinner().variant());
    assertEquals(winner(ROWS, PRICES, REQUEST.withMaxAccuracyDrop(0.03)), a.upper().newWinner());
  }

  @Test
  void withoutDemandTheChoiceDoesNotDependOnDemand() {
    Breakpoint d = Sensitivity.analyze(ROWS, PRICES, REQUEST).demand();
    assertNull(d.lower());
    assertNull(d.upper());
    assertTrue(Double.isNaN(d.base()));
    assertTrue(d.note().contains("no demand"), d.note());
  }

  private static final Map<String, Double> AB = Map.of("A", 1.0, "B", 0.3);
  private static final List<Row> XY =
      List.of(row("x", 0, "A", 1, 5, 100), row("y", 0, "B", 1, 5, 20));

  @Test
  void demandBreakpointsByHand() {
    // At 70/s: X needs 1 replica ($1/h), Y 4 ($1.2/h): X wins. Down to (40, 60] Y needs 3 ($0.9):
    // Y wins at 60 and below. Up to (100, 120] X needs 2 ($2) and Y 6 ($1.8): Y wins above 100.
    Report r = Sensitivity.analyze(XY, AB, new Request(0.01, 50, 70.0));
    assertEquals("x", r.winner().row().variant());
    Breakpoint d = r.demand();
    assertEquals(60, d.lower().value(), 1e-9);
    assertEquals((60 / 70.0 - 1) * 100, d.lower().changePercent(), 1e-9);
    assertEquals("y", d.lower().newWinner().variant());
    assertEquals(100, d.upper().value(), 1e-9);
    assertEquals("y", d.upper().newWinner().variant());
    Request at = new Request(0.01, 50, 60.0);
    assertEquals("y", winner(XY, AB, at).variant());
    assertEquals("x", winner(XY, AB, at.withDemandQps(60.5)).variant());
    assertEquals("x", winner(XY, AB, at.withDemandQps(100.0)).variant());
    assertEquals("y", winner(XY, AB, at.withDemandQps(100.5)).variant());
  }

  @Test
  void demandWithoutChangeInRange() {
    // At 50/s Y wins; below, Y keeps winning down to zero; above, X takes over past 60.
    Report r = Sensitivity.analyze(XY, AB, new Request(0.01, 50, 50.0));
    assertEquals("y", r.winner().row().variant());
    assertNull(r.demand().lower());
    assertTrue(r.demand().note().contains("no change down to"), r.demand().note());
    assertEquals(60, r.demand().upper().value(), 1e-9);
    assertEquals(20, r.demand().upper().changePercent(), 1e-9);
    // A narrow search range finds nothing above either.
    Report narrow = Sensitivity.analyze(XY, AB, new Request(0.01, 50, 50.0), 10);
    assertNull(narrow.demand().upper());
  }

  @Test
  void demandBreakpointsAgreeWithAScanOnRandomTables() {
    Random rnd = new Random(7);
    for (int t = 0; t < 30; t++) {
      Map<String, Double> prices = Map.of("A", 0.1 + rnd.nextDouble(), "B", 0.1 + rnd.nextDouble());
      List<Row> rows =
          List.of(
              row("x", 0, "A", 1, 5, 5 + rnd.nextInt(100)),
              row("y", 0.001, "B", 1, 5, 5 + rnd.nextInt(100)),
              row("z", 0.002, "A", 1, 5, 5 + rnd.nextInt(100)));
      double q0 = 20 + rnd.nextInt(300) + 0.5;
      Request req = new Request(0.01, 50, q0);
      Report r = Sensitivity.analyze(rows, prices, req);
      Row w = r.winner().row();
      double up = r.demand().upper() == null ? 2 * q0 : r.demand().upper().value();
      double down = r.demand().lower() == null ? 0 : r.demand().lower().value();
      // A fine scan strictly inside (down, up] never sees another winner.
      for (double q = down + 0.25; q <= up; q += 0.25) {
        assertEquals(w, winner(rows, prices, req.withDemandQps(q)), "table " + t + " q=" + q);
      }
      if (r.demand().upper() != null) {
        assertEquals(
            r.demand().upper().newWinner(),
            winner(rows, prices, req.withDemandQps(up + 1e-6)),
            "table " + t);
      }
    }
  }

  @Test
  void noFeasibleRowIsAnError() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Sensitivity.analyze(List.of(row("v", 1, "A", 1, 5, 1)), AB, REQUEST));
  }
}
