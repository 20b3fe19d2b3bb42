package dev.infercost.cost;

import dev.infercost.cost.Optimizer.Candidate;
import dev.infercost.cost.Optimizer.Request;
import dev.infercost.cost.Optimizer.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * How far the inputs of an {@link Optimizer} choice can move before the winner changes.
 *
 * <ul>
 *   <li><b>Price, per hardware</b> (closed form): every cost is proportional to its hardware's
 *       price. Raising the winner's hardware price by the factor {@code best other-hardware cost ÷
 *       winner cost} hands the win to that other candidate; lowering another hardware's price by
 *       {@code winner cost ÷ its best candidate's cost} hands the win to that candidate. The other
 *       directions never change the winner.
 *   <li><b>Demand</b> (exact search): with a demand, cost per million is {@code ⌈Q ÷ T⌉ × hourly ÷
 *       Q} (scaled), so between the points where some ⌈Q ÷ T⌉ steps (Q = k·T for a feasible row's
 *       throughput T) every cost scales by the same 1 ÷ Q and the order cannot change. The search
 *       walks these points outward from the demand, evaluating the winner once per interval, up to
 *       ±{@code demandRangePercent}. Without a demand the ranking does not depend on demand.
 *   <li><b>Accuracy bound</b> (exact): tightening changes the winner once the bound drops below the
 *       winner's own accuracy drop; loosening changes it at the smallest newly admitted accuracy
 *       drop whose admission produces a different winner.
 * </ul>
 *
 * <p>A breakpoint is where the winner may change: the winner holds strictly between the lower and
 * upper breakpoints; at exactly a breakpoint the tie-break order (or whether a bound is inclusive)
 * decides. A null bound means no change in that direction (within the searched range for demand).
 */
public final class Sensitivity {
  /** Default search range for demand: ±100 % (down to just above zero, up to double). */
  public static final double DEFAULT_DEMAND_RANGE_PERCENT = 100;

  private static final int MAX_DEMAND_STEPS = 200_000;

  private Sensitivity() {}

  /**
   * One side of a breakpoint.
   *
   * @param value the parameter value at the breakpoint (USD/h, inferences/s, or accuracy drop)
   * @param changePercent its change from the base, in percent (NaN when the base is 0)
   * @param newWinner the row that wins beyond the breakpoint, or null when no row is feasible there
   */
  public record Bound(double value, double changePercent, Row newWinner) {}

  /**
   * The breakpoints of one parameter.
   *
   * @param parameter what moves: {@code price:<hardware id>}, {@code demandQps} or {@code
   *     maxAccuracyDrop}
   * @param base its value in the request (NaN for demand when none was given)
   * @param lower the breakpoint below the base, or null for none
   * @param upper the breakpoint above the base, or null for none
   * @param note how it was found, or why there is none
   */
  public record Breakpoint(String parameter, double base, Bound lower, Bound upper, String note) {}

  /**
   * The analysis of one choice.
   *
   * @param winner the winner being analysed
   * @param prices one breakpoint per hardware with a feasible row
   * @param demand the demand breakpoints
   * @param accuracyBound the accuracy-bound breakpoints
   */
  public record Report(
      Candidate winner, List<Breakpoint> prices, Breakpoint demand, Breakpoint accuracyBound) {
    public Report {
      prices = List.copyOf(prices);
    }
  }

  /**
   * Analyses the choice {@link Optimizer#choose(List, Map, Request)} makes, searching demand over
   * ±{@link #DEFAULT_DEMAND_RANGE_PERCENT}.
   *
   * @throws IllegalArgumentException when no row is feasible (there is no winner to analyse)
   */
  public static Report analyze(List<Row> rows, Map<String, Double> hourlyUsd, Request request) {
    return analyze(rows, hourlyUsd, request, DEFAULT_DEMAND_RANGE_PERCENT);
  }

  /** Like {@link #analyze(List, Map, Request)} with prices from {@code catalog}. */
  public static Report analyze(List<Row> rows, Catalog catalog, Request request) {
    return analyze(rows, Optimizer.prices(rows, catalog), request);
  }

  /**
   * Analyses the choice, searching demand over ±{@code demandRangePercent} (> 0; values of 100 or
   * more search down to just above zero).
   */
  public static Report analyze(
      List<Row> rows, Map<String, Double> hourlyUsd, Request request, double demandRangePercent) {
    if (!(demandRangePercent > 0) || Double.isInfinite(demandRangePercent)) {
      throw new IllegalArgumentException(
          "demandRangePercent must be > 0 and finite, got " + demandRangePercent);
    }
    Optimizer.Result result = Optimizer.choose(rows, hourlyUsd, request);
    Candidate w =
        result
            .winner()
            .orElseThrow(
                () ->
                    new IllegalArgumentException("no feasible row: there is no winner to analyse"));
    List<Breakpoint> prices = new ArrayList<>();
    for (String h : Optimizer.hardware(result.ranked())) {
      prices.add(price(h, hourlyUsd.get(h), w, result.ranked()));
    }
    List<Candidate> feasible = Optimizer.feasible(rows, hourlyUsd, request, null);
    return new Report(
        w,
        prices,
        demand(w, feasible, request, demandRangePercent),
        accuracy(w, rows, hourlyUsd, request));
  }

  private static Breakpoint price(String h, double p, Candidate w, List<Candidate> ranked) {
    String parameter = "price:" + h;
    if (w.row().hardwareId().equals(h)) {
      for (Candidate c : ranked) {
        if (!c.row().hardwareId().equals(h)) {
          double f = c.costPerMillionUsd() / w.costPerMillionUsd();
          return new Breakpoint(
              parameter,
              p,
              null,
              new Bound(p * f, (f - 1) * 100, c.row()),
              "raising it lets the best candidate on other hardware win; lowering it keeps the"
                  + " winner");
        }
      }
      return new Breakpoint(
          parameter,
          p,
          null,
          null,
          "only this hardware has feasible rows; its price never changes" + " the winner");
    }
    for (Candidate c : ranked) {
      if (c.row().hardwareId().equals(h)) {
        double f = w.costPerMillionUsd() / c.costPerMillionUsd();
        return new Breakpoint(
            parameter,
            p,
            new Bound(p * f, (f - 1) * 100, c.row()),
            null,
            "lowering it lets this hardware's best candidate win; raising it keeps the winner");
      }
    }
    throw new IllegalStateException("hardware " + h + " has no candidate");
  }

  private static Breakpoint demand(
      Candidate w, List<Candidate> feasible, Request request, double rangePercent) {
    if (request.demandQps() == null) {
      return new Breakpoint(
          "demandQps",
          Double.NaN,
          null,
          null,
          "no demand given: costs are at full utilization, which does not depend on demand");
    }
    double q0 = request.demandQps();
    TreeSet<Double> throughputs = new TreeSet<>();
    for (Candidate c : feasible) {
      throughputs.add(c.row().throughputPerS());
    }
    double qMax = q0 * (1 + rangePercent / 100);
    double qMin = Math.max(0, q0 * (1 - rangePercent / 100));

    Bound upper = null;
    String upNote = "no change up to " + fmt(qMax) + " inferences/s";
    double hi = 0;
    for (double t : throughputs) {
      hi = hi == 0 ? ceilBoundary(q0, t) : Math.min(hi, ceilBoundary(q0, t));
    }
    for (int step = 0; ; step++) {
      if (hi >= qMax) {
        break;
      }
      if (step >= MAX_DEMAND_STEPS) {
        upNote = "no change found in " + MAX_DEMAND_STEPS + " intervals up to " + fmt(hi);
        break;
      }
      double next = Double.POSITIVE_INFINITY;
      for (double t : throughputs) {
        next = Math.min(next, nextAbove(hi, t));
      }
      Row r = winnerAt(feasible, (hi + next) / 2);
      if (!r.equals(w.row())) {
        upper = new Bound(hi, (hi / q0 - 1) * 100, r);
        upNote = null;
        break;
      }
      hi = next;
    }

    Bound lower = null;
    String downNote = "no change down to " + fmt(qMin) + " inferences/s";
    double lo = 0;
    for (double t : throughputs) {
      lo = Math.max(lo, (Capacity.replicas(q0, t) - 1) * t);
    }
    for (int step = 0; ; step++) {
      if (lo <= qMin || lo <= 0) {
        break;
      }
      if (step >= MAX_DEMAND_STEPS) {
        downNote = "no change found in " + MAX_DEMAND_STEPS + " intervals down to " + fmt(lo);
        break;
      }
      double prev = 0;
      for (double t : throughputs) {
        prev = Math.max(prev, prevBelow(lo, t));
      }
      Row r = winnerAt(feasible, (prev + lo) / 2);
      if (!r.equals(w.row())) {
        lower = new Bound(lo, (lo / q0 - 1) * 100, r);
        downNote = null;
        break;
      }
      lo = prev;
    }
    String note =
        "exact search over the points where a replica count steps"
            + (upNote == null ? "" : "; up: " + upNote)
            + (downNote == null ? "" : "; down: " + downNote);
    return new Breakpoint("demandQps", q0, lower, upper, note);
  }

  /** The smallest multiple of t at or above q (consistent with {@link Capacity#replicas}). */
  private static double ceilBoundary(double q, double t) {
    return Capacity.replicas(q, t) * t;
  }

  /** The smallest multiple of t strictly above b. */
  private static double nextAbove(double b, double t) {
    long k = Capacity.replicas(b, t);
    double c = k * t;
    return c <= b * (1 + 1e-12) ? (k + 1) * t : c;
  }

  /** The largest multiple of t strictly below b (0 at least). */
  private static double prevBelow(double b, double t) {
    long k = Capacity.replicas(b, t);
    double c = (k - 1) * t;
    if (c >= b * (1 - 1e-12)) {
      c = (k - 2) * t;
    }
    return Math.max(0, c);
  }

  private static Row winnerAt(List<Candidate> feasible, double demand) {
    Candidate best = null;
    for (Candidate c : feasible) {
      Candidate p = Optimizer.price(c.row(), c.hourlyUsd(), demand);
      if (best == null || Optimizer.ORDER.compare(p, best) < 0) {
        best = p;
      }
    }
    return best.row();
  }

  private static Breakpoint accuracy(
      Candidate w, List<Row> rows, Map<String, Double> prices, Request request) {
    double base = request.maxAccuracyDrop();
    double drop = w.row().accuracyDrop();
    Row tighter =
        Optimizer.choose(rows, prices, request.withMaxAccuracyDrop(Math.nextDown(drop)))
            .winner()
            .map(Candidate::row)
            .orElse(null);
    Bound lower = new Bound(drop, pct(drop, base), tighter);

    TreeSet<Double> admitted = new TreeSet<>();
    for (Row r : rows) {
      if (r.accuracyDrop() > base
          && r.p99Ms() <= request.p99ObjectiveMs()
          && prices.get(r.hardwareId()) != null
          && prices.get(r.hardwareId()) > 0) {
        admitted.add(r.accuracyDrop());
      }
    }
    Bound upper = null;
    for (double d : admitted) {
      Row r = Optimizer.choose(rows, prices, request.withMaxAccuracyDrop(d)).winner().get().row();
      if (!r.equals(w.row())) {
        upper = new Bound(d, pct(d, base), r);
        break;
      }
    }
    return new Breakpoint(
        "maxAccuracyDrop",
        base,
        lower,
        upper,
        "the winner needs an accuracy bound >= its own loss (its accuracy drop, or 1 − mean cosine"
            + " under a cosine bound); loosening admits rows in order of their loss");
  }

  private static double pct(double value, double base) {
    return base == 0 ? Double.NaN : (value / base - 1) * 100;
  }

  private static String fmt(double v) {
    return dev.infercost.cost.internal.Checks.fmt(v);
  }
}
