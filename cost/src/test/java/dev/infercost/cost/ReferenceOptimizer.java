package dev.infercost.cost;

import dev.infercost.cost.Optimizer.Candidate;
import dev.infercost.cost.Optimizer.Rejected;
import dev.infercost.cost.Optimizer.Request;
import dev.infercost.cost.Optimizer.Result;
import dev.infercost.cost.Optimizer.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A brute-force reference for {@link Optimizer}, written without sorting, comparators or maps:
 * nested loops over all rows. Tests compare the two on random tables. It is slow (cubic in the
 * number of rows), so it lives in cost's test sources and reaches other modules' tests through
 * cost's test-jar ({@code <type>test-jar</type>}, scope test).
 */
public final class ReferenceOptimizer {
  private ReferenceOptimizer() {}

  /** Same contract as {@code Optimizer.choose(rows, prices, request)}. */
  public static Result choose(List<Row> rows, Map<String, Double> prices, Request request) {
    int n = rows.size();
    boolean[] ok = new boolean[n];
    double[] cost = new double[n];
    double[] full = new double[n];
    double[] hourly = new double[n];
    List<Rejected> rejected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      Double p = prices.get(r.hardwareId());
      boolean priced = p != null && p > 0 && p < Double.POSITIVE_INFINITY;
      boolean accurate = !(r.accuracyDrop() > request.maxAccuracyDrop());
      boolean fast = !(r.p99Ms() > request.p99ObjectiveMs());
      ok[i] = priced && accurate && fast;
      if (!ok[i]) {
        rejected.add(new Rejected(r, "rejected"));
        continue;
      }
      hourly[i] = p;
      full[i] = p / (r.throughputPerS() * 3600.0) * 1e6;
      if (request.demandQps() == null) {
        cost[i] = full[i];
      } else {
        double q = request.demandQps();
        long replicas = Capacity.replicas(q, r.throughputPerS());
        cost[i] = replicas * p / (q * 3600.0) * 1e6;
      }
    }

    // For each feasible row: is it the best of its variant × hardware pair?
    boolean[] pairBest = new boolean[n];
    for (int i = 0; i < n; i++) {
      if (!ok[i]) {
        continue;
      }
      boolean best = true;
      for (int j = 0; j < n && best; j++) {
        if (j != i && ok[j] && samePair(rows.get(i), rows.get(j)) && better(rows, cost, j, i)) {
          best = false;
        }
      }
      pairBest[i] = best;
    }

    // Rank the pair-best rows by repeatedly taking the best one not yet taken.
    boolean[] taken = new boolean[n];
    List<Candidate> ranked = new ArrayList<>();
    while (true) {
      int pick = -1;
      for (int i = 0; i < n; i++) {
        if (pairBest[i] && !taken[i] && (pick < 0 || better(rows, cost, i, pick))) {
          pick = i;
        }
      }
      if (pick < 0) {
        break;
      }
      taken[pick] = true;
      ranked.add(candidate(rows.get(pick), hourly[pick], cost[pick], full[pick], request));
    }

    // The overall best row, scanning all feasible rows, must lead the ranking.
    int winner = -1;
    for (int i = 0; i < n; i++) {
      if (ok[i] && (winner < 0 || better(rows, cost, i, winner))) {
        winner = i;
      }
    }
    if (winner >= 0 && !ranked.get(0).row().equals(rows.get(winner))) {
      throw new IllegalStateException("reference: ranking and overall minimum disagree");
    }

    // Pareto front: ranked candidates that no other ranked candidate dominates.
    List<Candidate> front = new ArrayList<>();
    for (Candidate a : ranked) {
      boolean dominated = false;
      for (Candidate b : ranked) {
        if (b == a) {
          continue;
        }
        boolean noWorse =
            b.costPerMillionUsd() <= a.costPerMillionUsd()
                && b.row().accuracyDrop() <= a.row().accuracyDrop();
        boolean strictly =
            b.costPerMillionUsd() < a.costPerMillionUsd()
                || b.row().accuracyDrop() < a.row().accuracyDrop();
        if (noWorse && strictly) {
          dominated = true;
          break;
        }
      }
      if (!dominated) {
        front.add(a);
      }
    }
    return new Result(ranked, front, rejected, request);
  }

  private static Candidate candidate(
      Row r, double hourly, double cost, double full, Request request) {
    double tLow = r.throughputRangePerS().low();
    double tHigh = r.throughputRangePerS().high();
    Range fullRange = new Range(hourly / (tHigh * 3600.0) * 1e6, hourly / (tLow * 3600.0) * 1e6);
    if (request.demandQps() == null) {
      return new Candidate(r, hourly, cost, fullRange, full, fullRange, null);
    }
    double q = request.demandQps();
    Range atDemand =
        new Range(
            Capacity.replicas(q, tHigh) * hourly / (q * 3600.0) * 1e6,
            Capacity.replicas(q, tLow) * hourly / (q * 3600.0) * 1e6);
    return new Candidate(
        r, hourly, cost, atDemand, full, fullRange, Capacity.plan(q, r.throughputPerS(), hourly));
  }

  private static boolean samePair(Row a, Row b) {
    return a.variant().equals(b.variant()) && a.hardwareId().equals(b.hardwareId());
  }

  /** Whether row i comes strictly before row j. */
  private static boolean better(List<Row> rows, double[] cost, int i, int j) {
    Row a = rows.get(i);
    Row b = rows.get(j);
    if (cost[i] != cost[j]) {
      return cost[i] < cost[j];
    }
    if (a.accuracyDrop() != b.accuracyDrop()) {
      return a.accuracyDrop() < b.accuracyDrop();
    }
    if (a.p99Ms() != b.p99Ms()) {
      return a.p99Ms() < b.p99Ms();
    }
    int v = a.variant().compareTo(b.variant());
    if (v != 0) {
      return v < 0;
    }
    int h = a.hardwareId().compareTo(b.hardwareId());
    if (h != 0) {
      return h < 0;
    }
    if (a.batch() != b.batch()) {
      return a.batch() < b.batch();
    }
    if (a.throughputPerS() != b.throughputPerS()) {
      return a.throughputPerS() > b.throughputPerS();
    }
    if (a.provenance().kind() != b.provenance().kind()) {
      return a.provenance().kind().ordinal() < b.provenance().kind().ordinal();
    }
    return i < j;
  }
}
