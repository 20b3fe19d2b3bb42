package dev.infercost.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.cost.Figure.Provenance;
import dev.infercost.cost.Optimizer.Candidate;
import dev.infercost.cost.Optimizer.Rejected;
import dev.infercost.cost.Optimizer.Request;
import dev.infercost.cost.Optimizer.Result;
import dev.infercost.cost.Optimizer.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OptimizerTest {
  static final Provenance HOST = Provenance.measured("aws-c6a.large");
  static final Map<String, Double> PRICES = Map.of("cpu-a", 0.1, "gpu-b", 1.0);

  static Row row(String variant, double drop, String hw, int batch, double p99, double qps) {
    return new Row(variant, drop, hw, batch, p99, qps, HOST);
  }

  static final List<Row> ROWS =
      List.of(
          row("fp32", 0, "cpu-a", 1, 10, 50),
          row("fp32", 0, "cpu-a", 8, 40, 100),
          row("fp32", 0, "cpu-a", 32, 120, 150),
          row("int8", 0.005, "cpu-a", 8, 20, 250),
          row("int8-aggressive", 0.03, "cpu-a", 8, 10, 1000),
          row("fp32", 0, "gpu-b", 32, 15, 2000),
          row("fp16", 0.001, "gpu-b", 32, 10, 5000),
          row("fp32", 0, "tpu-x", 1, 1, 9999));

  static final Request REQUEST = new Request(0.01, 50, null);

  private static String name(Candidate c) {
    return c.row().variant() + "@" + c.row().hardwareId() + "/b" + c.row().batch();
  }

  private static Row ranged(String variant, String hw, double qps, double low, double high) {
    return new Row(variant, 0, hw, 8, 10, qps, new Range(low, high), HOST);
  }

  @Test
  void costRangeIsTheCostAtTheEndsOfTheThroughputRange() {
    // $0.1/h at 100/s = 0.2778 USD per 1M; at 125/s 0.2222, at 80/s 0.3472 (the high throughput
    // gives the low cost).
    Candidate c =
        Optimizer.choose(List.of(ranged("fp32", "cpu-a", 100, 80, 125)), PRICES, REQUEST)
            .winner()
            .orElseThrow();
    assertEquals(0.1 / (125 * 3600.0) * 1e6, c.costPerMillionRangeUsd().low(), 1e-15);
    assertEquals(0.1 / (80 * 3600.0) * 1e6, c.costPerMillionRangeUsd().high(), 1e-15);
    assertTrue(c.costPerMillionRangeUsd().contains(c.costPerMillionUsd()));
    assertEquals(c.costPerMillionRangeUsd(), c.costPerMillionAtFullUtilizationRangeUsd());
  }

  @Test
  void costRangeAtADemandCountsWholeReplicasAtEachEnd() {
    // Demand 250/s: at 125/s 2 replicas, at 100/s 3, at 80/s 4.
    Candidate c =
        Optimizer.choose(
                List.of(ranged("fp32", "cpu-a", 100, 80, 125)),
                PRICES,
                new Request(0.01, 50, 250.0))
            .winner()
            .orElseThrow();
    double perReplica = 0.1 / (250 * 3600.0) * 1e6;
    assertEquals(3 * perReplica, c.costPerMillionUsd(), 1e-15);
    assertEquals(2 * perReplica, c.costPerMillionRangeUsd().low(), 1e-15);
    assertEquals(4 * perReplica, c.costPerMillionRangeUsd().high(), 1e-15);
  }

  /** The variants tied with the winner among {@code rows} at $0.1/h. */
  private static List<String> tied(Row... rows) {
    return Optimizer.choose(List.of(rows), Map.of("cpu-a", 0.1), REQUEST).tiedWithWinner().stream()
        .map(c -> c.row().variant())
        .toList();
  }

  @Test
  void rowsWhoseCostRangesOverlapTheWinnersAreTiedWithIt() {
    // Costs at $0.1/h: a 0.2778 (0.2525–0.3086), b 0.2525 (0.2315–0.2778) overlaps a,
    // c 0.1389 (0.1263–0.1543) is the winner: b and a do not reach down to it.
    Row a = ranged("a", "cpu-a", 100, 90, 110);
    Row b = ranged("b", "cpu-a", 110, 100, 120);
    assertEquals(
        "c",
        Optimizer.choose(List.of(a, b, ranged("c", "cpu-a", 200, 180, 220)), PRICES, REQUEST)
            .winner()
            .orElseThrow()
            .row()
            .variant());
    assertEquals(List.of(), tied(a, b, ranged("c", "cpu-a", 200, 180, 220)), "disjoint: no tie");
    // Widen c's range down to 130/s (cost up to 0.2137): still disjoint from b (from 0.2315).
    assertEquals(List.of(), tied(a, b, ranged("c", "cpu-a", 200, 130, 220)));
    // Down to 115/s (cost up to 0.2415): it overlaps b (from 0.2315) but not a (from 0.2525).
    assertEquals(List.of("b"), tied(a, b, ranged("c", "cpu-a", 200, 115, 220)));
    // Down to 90/s (cost up to 0.3086): it overlaps both.
    assertEquals(List.of("b", "a"), tied(a, b, ranged("c", "cpu-a", 200, 90, 220)));
    // Point figures 1% apart no longer tie: only overlapping ranges do.
    assertEquals(
        List.of(), tied(row("a", 0, "cpu-a", 8, 10, 100), row("b", 0, "cpu-a", 8, 10, 101)));
  }

  @Test
  void rowRangeMustContainTheThroughput() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Row("a", 0, "cpu-a", 1, 1, 100, new Range(101, 120), HOST));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Row("a", 0, "cpu-a", 1, 1, 100, new Range(0, 120), HOST));
  }

  @Test
  void ranksByCostPerMillionOnePerPair() {
    Result r = Optimizer.choose(ROWS, PRICES, REQUEST);
    assertEquals(
        List.of("fp16@gpu-b/b32", "int8@cpu-a/b8", "fp32@gpu-b/b32", "fp32@cpu-a/b8"),
        r.ranked().stream().map(OptimizerTest::name).toList());
    Candidate w = r.winner().orElseThrow();
    // $1/h at 5000/s = 1 / 18e6 USD per inference = 0.0555... USD per million.
    assertEquals(1.0 / 18, w.costPerMillionUsd(), 1e-12);
    assertEquals(w.costPerMillionUsd(), w.costPerMillionAtFullUtilizationUsd(), 0);
    assertNull(w.capacity());
    assertEquals(1.0, w.hourlyUsd());
  }

  @Test
  void infeasibleRowsSayWhy() {
    Result r = Optimizer.choose(ROWS, PRICES, REQUEST);
    List<Rejected> bad = r.infeasible();
    assertEquals(3, bad.size());
    assertEquals(120, bad.get(0).row().p99Ms());
    assertEquals("p99 120.0 ms > objective 50.0 ms", bad.get(0).reason());
    assertEquals("loss 0.03 > accuracy bound 0.01", bad.get(1).reason());
    assertTrue(bad.get(2).reason().contains("no price for hardware 'tpu-x'"), bad.get(2).reason());
    // Several reasons at once are all given.
    Result both = Optimizer.choose(List.of(row("v", 0.5, "nowhere", 1, 500, 1)), PRICES, REQUEST);
    assertEquals(3, both.infeasible().get(0).reason().split("; ").length);
    assertTrue(both.winner().isEmpty());
  }

  @Test
  void paretoFrontOfCostAndAccuracyDrop() {
    Result r = Optimizer.choose(ROWS, PRICES, REQUEST);
    // fp16@gpu is cheapest; fp32@gpu is the cheapest with zero drop; int8@cpu is beaten by fp16
    // on both axes and fp32@cpu by fp32@gpu.
    assertEquals(
        List.of("fp16@gpu-b/b32", "fp32@gpu-b/b32"),
        r.paretoFront().stream().map(OptimizerTest::name).toList());
  }

  @Test
  void demandPricesWholeReplicas() {
    Result r = Optimizer.choose(ROWS, PRICES, REQUEST.withDemandQps(100.0));
    // At 100/s a GPU replica is 1% busy: $1/h over 360000 inferences = 2.78 USD per million,
    // while one CPU replica at T=100 is fully used: 0.1/360000*1e6 = 0.2778. int8@cpu costs the
    // same (one replica), so the lower accuracy drop decides.
    Candidate w = r.winner().orElseThrow();
    assertEquals("fp32@cpu-a/b8", name(w));
    assertEquals(0.1 / 0.36, w.costPerMillionUsd(), 1e-12);
    assertEquals(1, w.capacity().replicas());
    assertEquals(1.0, w.capacity().utilization(), 0);
    assertEquals(0.1 * 730, w.capacity().monthlyUsd(), 1e-9);
    assertEquals("int8@cpu-a/b8", name(r.ranked().get(1)));
    Candidate gpu =
        r.ranked().stream().filter(c -> name(c).equals("fp16@gpu-b/b32")).findFirst().get();
    assertEquals(1.0 / 0.36, gpu.costPerMillionUsd(), 1e-12);
    assertEquals(0.02, gpu.capacity().utilization(), 1e-12);
  }

  @Test
  void tiesAreBrokenDeterministically() {
    List<Row> tied =
        List.of(
            row("c", 0, "cpu-a", 1, 10, 100),
            row("b", 0, "cpu-a", 1, 10, 100),
            row("b", 0, "cpu-a", 1, 5, 100),
            row("a", 0.001, "cpu-a", 1, 1, 100),
            row("d", -0.01, "cpu-a", 1, 30, 100),
            row("c", 0, "cpu-a", 2, 10, 100),
            row("c", 0, "cpu-b", 1, 10, 100));
    Map<String, Double> prices = Map.of("cpu-a", 0.1, "cpu-b", 0.1);
    Result r = Optimizer.choose(tied, prices, REQUEST);
    // All cost the same: lower drop first, then lower p99, then variant name, hardware, batch.
    assertEquals(
        List.of("d@cpu-a/b1", "b@cpu-a/b1", "c@cpu-a/b1", "c@cpu-b/b1", "a@cpu-a/b1"),
        r.ranked().stream().map(OptimizerTest::name).toList());
    assertEquals(5, r.ranked().get(1).row().p99Ms());
    List<Row> reversed = new ArrayList<>(tied);
    java.util.Collections.reverse(reversed);
    assertEquals(r.ranked(), Optimizer.choose(reversed, prices, REQUEST).ranked());
  }

  @Test
  void pricesFromTheCatalog() {
    List<Row> rows =
        List.of(
            row("int8", 0.004, "aws-c6a.large", 1, 8, 120),
            row("int8", 0.004, "c7g.large", 1, 6, 150),
            row("fp16", 0.0, "t4", 16, 20, 3000),
            row("fp32", 0.0, "not-a-machine", 1, 1, 1));
    Result r = Optimizer.choose(rows, Catalog.builtin(), new Request(0.01, 50, null));
    // c7g.large: 0.0725/(150*3600)*1e6 = 0.1343; c6a.large: 0.0765/(120*3600)*1e6 = 0.1771;
    // t4: 0.526/(3000*3600)*1e6 = 0.0487.
    assertEquals("t4", r.winner().get().row().hardwareId());
    assertEquals(0.526 / (3000 * 3600.0) * 1e6, r.winner().get().costPerMillionUsd(), 1e-12);
    assertEquals("c7g.large", r.ranked().get(1).row().hardwareId());
    assertEquals(1, r.infeasible().size());
  }

  @Test
  void matchesBruteForceOn200RandomTables() {
    Random rnd = new Random(20240611L);
    for (int table = 0; table < 200; table++) {
      Map<String, Double> prices = new HashMap<>();
      double[] priceChoices = {0.05, 0.1, 0.2, 0.5, 1.0, 2.0};
      for (int h = 0; h < 5; h++) {
        if (rnd.nextInt(8) != 0) {
          prices.put(
              "hw" + h,
              table % 2 == 0
                  ? 0.1
                  : rnd.nextBoolean()
                      ? priceChoices[rnd.nextInt(priceChoices.length)]
                      : 0.01 + rnd.nextDouble() * 3);
        }
      }
      List<Row> rows = new ArrayList<>();
      int n = 1 + rnd.nextInt(40);
      // Every other table draws from very few values so that exact ties on cost, drop and p99
      // are common and the tie-break order is exercised.
      boolean tieHeavy = table % 2 == 0;
      double[] drops = tieHeavy ? new double[] {0, 0.005} : new double[] {-0.002, 0, 0.002, 0.01};
      double[] p99s = tieHeavy ? new double[] {5, 10} : new double[] {2, 5, 10, 20, 40, 80};
      double[] qps = tieHeavy ? new double[] {50, 100} : new double[] {10, 20, 25, 50, 100, 400};
      for (int i = 0; i < n; i++) {
        boolean free = !tieHeavy && rnd.nextInt(3) == 0;
        double t = free ? 1 + rnd.nextDouble() * 500 : qps[rnd.nextInt(qps.length)];
        // Half the rows carry a throughput range, so the cost ranges are checked too.
        Range range =
            rnd.nextBoolean()
                ? Range.point(t)
                : new Range(t * (0.5 + rnd.nextDouble() / 2), t * (1 + rnd.nextDouble()));
        rows.add(
            new Row(
                "v" + rnd.nextInt(4),
                free ? rnd.nextDouble() * 0.03 : drops[rnd.nextInt(drops.length)],
                "hw" + rnd.nextInt(tieHeavy ? 3 : 6),
                1 << rnd.nextInt(tieHeavy ? 2 : 6),
                free ? rnd.nextDouble() * 100 : p99s[rnd.nextInt(p99s.length)],
                t,
                range,
                rnd.nextBoolean() ? HOST : Provenance.estimated("roofline")));
      }
      double[] demands = {25, 50, 100, 333.3, 1000, 1e4};
      Request req =
          new Request(
              new double[] {0, 0.005, 0.01, 0.02}[rnd.nextInt(4)],
              new double[] {10, 20, 50}[rnd.nextInt(3)],
              rnd.nextBoolean() ? null : demands[rnd.nextInt(demands.length)]);

      Result fast = Optimizer.choose(rows, prices, req);
      Result slow = ReferenceOptimizer.choose(rows, prices, req);
      String ctx = "table " + table;
      assertEquals(slow.winner().map(Candidate::row), fast.winner().map(Candidate::row), ctx);
      assertEquals(slow.ranked(), fast.ranked(), ctx);
      assertEquals(slow.paretoFront(), fast.paretoFront(), ctx);
      assertEquals(
          slow.infeasible().stream().map(Rejected::row).toList(),
          fast.infeasible().stream().map(Rejected::row).toList(),
          ctx);
      assertParetoProperties(fast);
    }
  }

  /** Nothing on the front is dominated; everything off it is dominated by something on it. */
  private static void assertParetoProperties(Result r) {
    for (Candidate a : r.ranked()) {
      boolean dominated = false;
      for (Candidate b : r.paretoFront()) {
        if (b != a
            && b.costPerMillionUsd() <= a.costPerMillionUsd()
            && b.row().accuracyDrop() <= a.row().accuracyDrop()
            && (b.costPerMillionUsd() < a.costPerMillionUsd()
                || b.row().accuracyDrop() < a.row().accuracyDrop())) {
          dominated = true;
        }
      }
      assertEquals(!r.paretoFront().contains(a), dominated, a.toString());
    }
    if (!r.ranked().isEmpty()) {
      assertEquals(r.ranked().get(0), r.paretoFront().get(0), "the winner is on the front");
    }
  }

  @Test
  void emptyInputHasNoWinner() {
    Result r = Optimizer.choose(List.of(), PRICES, REQUEST);
    assertTrue(r.winner().isEmpty());
    assertTrue(r.paretoFront().isEmpty());
    assertFalse(r.ranked().iterator().hasNext());
  }

  @Test
  void rejectsBadInputs() {
    assertThrows(IllegalArgumentException.class, () -> row("", 0, "h", 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> row("v", Double.NaN, "h", 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> row("v", 0, "h", 0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> row("v", 0, "h", 1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Request(0.01, 0, null));
    assertThrows(IllegalArgumentException.class, () -> new Request(0.01, 10, 0.0));
  }
}
