package dev.infercost.cost;

import dev.infercost.cost.internal.Checks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Picks the cheapest model variant × hardware pair that meets an accuracy bound and a p99 latency
 * objective.
 *
 * <p>Input rows are measured (or projected) operating points: a variant on a machine at a batch
 * size, with its p99 latency and throughput. A row is feasible when its hardware has a positive
 * hourly price, its accuracy drop is at most the bound and its p99 at most the objective; the
 * others are returned with every reason that applies.
 *
 * <p>Feasible rows are priced in USD per million inferences. Without a demand that is {@link
 * CostModel#costPerMillion} at the row's throughput (the machine kept busy). With a demand Q it is
 * the cost of the whole replicas needed, spread over the demand: {@code ⌈Q ÷ T⌉ × hourly ÷ (Q ×
 * 3600) × 10⁶}, which is the full-utilization figure divided by the {@link Capacity} utilization;
 * each candidate then carries its {@link Capacity.Plan}.
 *
 * <p>Order (best first): cost per million, then lower accuracy drop, lower p99, variant name,
 * hardware id, smaller batch, higher throughput, measured before estimated, and finally input order
 * — so the result is deterministic. {@link Result#ranked()} keeps the best row of each variant ×
 * hardware pair (for a pair this is its highest-throughput row within the objective, as in {@link
 * LatencyObjective}); the winner is the first. The Pareto front holds the ranked candidates no
 * other candidate beats on both cost and accuracy drop.
 */
public final class Optimizer {
  private Optimizer() {}

  /**
   * One operating point of a variant on a machine.
   *
   * @param variant the model variant ({@code fp32}, {@code int8-dynamic})
   * @param accuracyDrop reference accuracy minus this variant's accuracy (a fraction, 0.01 = one
   *     point; negative when the variant is more accurate)
   * @param hardwareId catalog id or alias (or a key of the price map)
   * @param batch batch size (>= 1)
   * @param p99Ms 99th-percentile latency of one call in milliseconds (>= 0)
   * @param throughputPerS inferences per second at this batch (> 0)
   * @param throughputRangePerS the range of {@code throughputPerS} (its {@link Spread}; the
   *     provenance says which)
   * @param provenance measured on which host, or estimated how
   */
  public record Row(
      String variant,
      double accuracyDrop,
      String hardwareId,
      int batch,
      double p99Ms,
      double throughputPerS,
      Range throughputRangePerS,
      Figure.Provenance provenance) {
    /** A row whose throughput has no known spread (its range is the value alone). */
    public Row(
        String variant,
        double accuracyDrop,
        String hardwareId,
        int batch,
        double p99Ms,
        double throughputPerS,
        Figure.Provenance provenance) {
      this(
          variant,
          accuracyDrop,
          hardwareId,
          batch,
          p99Ms,
          throughputPerS,
          Range.point(throughputPerS),
          provenance);
    }

    public Row {
      Checks.nonBlank("variant", variant);
      Checks.finite("accuracyDrop", accuracyDrop);
      accuracyDrop += 0.0; // -0.0 becomes 0.0, so ordering and equality agree
      Checks.nonBlank("hardwareId", hardwareId);
      if (batch < 1) {
        throw new IllegalArgumentException("batch must be >= 1, got " + batch);
      }
      Checks.nonNegative("p99Ms", p99Ms);
      Checks.positive("throughputPerS", throughputPerS);
      if (throughputRangePerS == null
          || !(throughputRangePerS.low() > 0)
          || !throughputRangePerS.contains(throughputPerS)) {
        throw new IllegalArgumentException(
            "throughput range must be positive and contain " + throughputPerS);
      }
      if (provenance == null) {
        throw new IllegalArgumentException("provenance is required");
      }
    }
  }

  /**
   * What to optimize for.
   *
   * @param maxAccuracyDrop the accuracy bound: rows with a larger drop are infeasible
   * @param p99ObjectiveMs the latency objective in milliseconds (> 0)
   * @param demandQps the demand in inferences/s (> 0), or null for none
   */
  public record Request(double maxAccuracyDrop, double p99ObjectiveMs, Double demandQps) {
    public Request {
      Checks.finite("maxAccuracyDrop", maxAccuracyDrop);
      Checks.positive("p99ObjectiveMs", p99ObjectiveMs);
      if (demandQps != null) {
        Checks.positive("demandQps", demandQps);
      }
    }

    /** This request with another accuracy bound. */
    public Request withMaxAccuracyDrop(double bound) {
      return new Request(bound, p99ObjectiveMs, demandQps);
    }

    /** This request with another demand (null for none). */
    public Request withDemandQps(Double qps) {
      return new Request(maxAccuracyDrop, p99ObjectiveMs, qps);
    }
  }

  /**
   * A feasible row with its price.
   *
   * @param row the operating point
   * @param hourlyUsd the hardware's price per machine-hour, USD
   * @param costPerMillionUsd the ranking cost: USD per million inferences at the demand, or at full
   *     utilization when there is no demand
   * @param costPerMillionRangeUsd the ranking cost at the ends of the row's throughput range (the
   *     high throughput gives the low cost)
   * @param costPerMillionAtFullUtilizationUsd USD per million inferences with the machine busy
   * @param costPerMillionAtFullUtilizationRangeUsd its range, likewise
   * @param capacity replicas, utilization and monthly cost at the demand; null without a demand
   */
  public record Candidate(
      Row row,
      double hourlyUsd,
      double costPerMillionUsd,
      Range costPerMillionRangeUsd,
      double costPerMillionAtFullUtilizationUsd,
      Range costPerMillionAtFullUtilizationRangeUsd,
      Capacity.Plan capacity) {}

  /**
   * An infeasible row.
   *
   * @param row the operating point
   * @param reason every reason it fails, joined with "; "
   */
  public record Rejected(Row row, String reason) {}

  /**
   * The outcome.
   *
   * @param ranked best row per variant × hardware pair, best first
   * @param paretoFront ranked candidates not beaten on both cost and accuracy drop, cheapest first
   * @param infeasible rows that fail a bound, in input order
   * @param request what was asked
   */
  public record Result(
      List<Candidate> ranked,
      List<Candidate> paretoFront,
      List<Rejected> infeasible,
      Request request) {
    public Result {
      ranked = List.copyOf(ranked);
      paretoFront = List.copyOf(paretoFront);
      infeasible = List.copyOf(infeasible);
    }

    /** The cheapest feasible candidate, if any row is feasible. */
    public Optional<Candidate> winner() {
      return ranked.isEmpty() ? Optional.empty() : Optional.of(ranked.get(0));
    }

    /**
     * The ranked candidates tied with the winner, best first: those whose cost range overlaps the
     * winner's ({@link Range#overlaps}), so the figures cannot tell which is cheaper. Empty when
     * there is no winner or nothing overlaps it.
     */
    public List<Candidate> tiedWithWinner() {
      if (ranked.isEmpty()) {
        return List.of();
      }
      Range w = ranked.get(0).costPerMillionRangeUsd();
      return ranked.subList(1, ranked.size()).stream()
          .filter(c -> c.costPerMillionRangeUsd().overlaps(w))
          .toList();
    }
  }

  /** Best first; see the class comment. Input order breaks the remaining ties (stable sort). */
  static final Comparator<Candidate> ORDER =
      Comparator.comparingDouble(Candidate::costPerMillionUsd)
          .thenComparingDouble(c -> c.row().accuracyDrop())
          .thenComparingDouble(c -> c.row().p99Ms())
          .thenComparing(c -> c.row().variant())
          .thenComparing(c -> c.row().hardwareId())
          .thenComparingInt(c -> c.row().batch())
          .thenComparing(
              Comparator.comparingDouble((Candidate c) -> c.row().throughputPerS()).reversed())
          .thenComparing(c -> c.row().provenance().kind());

  /**
   * Ranks {@code rows} priced by {@code hourlyUsdByHardware} (hardware id → USD per machine-hour).
   */
  public static Result choose(
      List<Row> rows, Map<String, Double> hourlyUsdByHardware, Request request) {
    List<Rejected> rejected = new ArrayList<>();
    List<Candidate> feasible = feasible(rows, hourlyUsdByHardware, request, rejected);
    List<Candidate> sorted = new ArrayList<>(feasible);
    sorted.sort(ORDER);
    Map<String, Candidate> bestPerPair = new LinkedHashMap<>();
    for (Candidate c : sorted) {
      bestPerPair.putIfAbsent(pairKey(c.row()), c);
    }
    List<Candidate> ranked = new ArrayList<>(bestPerPair.values());
    return new Result(ranked, pareto(ranked), rejected, request);
  }

  /**
   * Ranks {@code rows} priced from {@code catalog} ({@link CostModel#hourlyUsd}); a row whose
   * hardware is not in the catalog is infeasible.
   */
  public static Result choose(List<Row> rows, Catalog catalog, Request request) {
    return choose(rows, prices(rows, catalog), request);
  }

  /** Hourly prices of the hardware the rows name, from the catalog (unknown ids left out). */
  static Map<String, Double> prices(List<Row> rows, Catalog catalog) {
    Map<String, Double> prices = new HashMap<>();
    for (Row r : rows) {
      catalog
          .find(r.hardwareId())
          .ifPresent(e -> prices.put(r.hardwareId(), CostModel.hourlyUsd(e)));
    }
    return prices;
  }

  /** The feasible rows priced (input order); infeasible ones go to {@code rejected}. */
  static List<Candidate> feasible(
      List<Row> rows, Map<String, Double> prices, Request request, List<Rejected> rejected) {
    List<Candidate> out = new ArrayList<>();
    for (Row r : rows) {
      List<String> why = new ArrayList<>();
      Double hourly = prices.get(r.hardwareId());
      if (hourly == null) {
        why.add("no price for hardware '" + r.hardwareId() + "' (not in the catalog or price map)");
      } else if (!(Double.isFinite(hourly) && hourly > 0)) {
        why.add("price for hardware '" + r.hardwareId() + "' must be > 0, got " + hourly);
      }
      if (r.accuracyDrop() > request.maxAccuracyDrop()) {
        why.add(
            String.format(
                Locale.ROOT,
                "loss %s > accuracy bound %s",
                Checks.fmt(r.accuracyDrop()),
                Checks.fmt(request.maxAccuracyDrop())));
      }
      if (r.p99Ms() > request.p99ObjectiveMs()) {
        why.add(
            String.format(
                Locale.ROOT,
                "p99 %s ms > objective %s ms",
                Checks.fmt(r.p99Ms()),
                Checks.fmt(request.p99ObjectiveMs())));
      }
      if (why.isEmpty()) {
        out.add(price(r, hourly, request.demandQps()));
      } else if (rejected != null) {
        rejected.add(new Rejected(r, String.join("; ", why)));
      }
    }
    return out;
  }

  /** A feasible row priced at {@code hourlyUsd}, at the demand (null for none). */
  static Candidate price(Row r, double hourlyUsd, Double demandQps) {
    Range t = r.throughputRangePerS();
    double full = CostModel.costPerMillion(hourlyUsd, r.throughputPerS());
    Range fullRange =
        new Range(
            CostModel.costPerMillion(hourlyUsd, t.high()),
            CostModel.costPerMillion(hourlyUsd, t.low()));
    if (demandQps == null) {
      return new Candidate(r, hourlyUsd, full, fullRange, full, fullRange, null);
    }
    Capacity.Plan plan = Capacity.plan(demandQps, r.throughputPerS(), hourlyUsd);
    return new Candidate(
        r,
        hourlyUsd,
        atDemand(plan, demandQps),
        new Range(
            atDemand(Capacity.plan(demandQps, t.high(), hourlyUsd), demandQps),
            atDemand(Capacity.plan(demandQps, t.low(), hourlyUsd), demandQps)),
        full,
        fullRange,
        plan);
  }

  /** USD per million inferences of {@code plan}'s whole replicas, spread over the demand. */
  private static double atDemand(Capacity.Plan plan, double demandQps) {
    return plan.hourlyUsd() / (demandQps * 3600.0) * 1e6;
  }

  static String pairKey(Row r) {
    return r.variant() + '\u0000' + r.hardwareId();
  }

  /** Pareto front of {@code ranked} (cost and accuracy drop, both lower is better), by a sweep. */
  static List<Candidate> pareto(List<Candidate> ranked) {
    List<Candidate> byCost = new ArrayList<>(ranked);
    byCost.sort(ORDER);
    List<Candidate> front = new ArrayList<>();
    double minDropCheaper = Double.POSITIVE_INFINITY;
    int i = 0;
    while (i < byCost.size()) {
      double cost = byCost.get(i).costPerMillionUsd();
      int j = i;
      double groupMin = Double.POSITIVE_INFINITY;
      while (j < byCost.size() && byCost.get(j).costPerMillionUsd() == cost) {
        groupMin = Math.min(groupMin, byCost.get(j).row().accuracyDrop());
        j++;
      }
      // In a group of equal cost, a candidate survives if nothing strictly cheaper is at least as
      // accurate and nothing of the same cost is strictly more accurate.
      for (int k = i; k < j; k++) {
        double drop = byCost.get(k).row().accuracyDrop();
        if (drop < minDropCheaper && drop == groupMin) {
          front.add(byCost.get(k));
        }
      }
      minDropCheaper = Math.min(minDropCheaper, groupMin);
      i = j;
    }
    return front;
  }

  /** The distinct hardware ids of {@code candidates}, in order. */
  static Set<String> hardware(List<Candidate> candidates) {
    Set<String> ids = new LinkedHashSet<>();
    for (Candidate c : candidates) {
      ids.add(c.row().hardwareId());
    }
    return ids;
  }
}
