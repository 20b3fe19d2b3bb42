package dev.infercost.cost;

import dev.infercost.cost.internal.Checks;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The throughput a variant reaches on one machine within a p99 latency objective.
 *
 * <p>Given the measured points of one model variant on one machine (usually one per batch size),
 * {@link #select} picks the point with the largest throughput whose p99 latency is at or below the
 * objective. Ties on throughput go to the lower p99, then the smaller batch. When no point meets
 * the objective the selection is not feasible and says why.
 */
public final class LatencyObjective {
  private LatencyObjective() {}

  /**
   * One measured operating point.
   *
   * @param batch batch size (>= 1)
   * @param p99Ms 99th-percentile latency of one call in milliseconds (>= 0)
   * @param throughputPerS sustained inferences per second at this batch (> 0)
   */
  public record Point(int batch, double p99Ms, double throughputPerS) {
    public Point {
      if (batch < 1) {
        throw new IllegalArgumentException("batch must be >= 1, got " + batch);
      }
      Checks.nonNegative("p99Ms", p99Ms);
      Checks.positive("throughputPerS", throughputPerS);
    }
  }

  /**
   * The outcome of {@link #select}.
   *
   * @param point the chosen point, or null when not feasible
   * @param p99ObjectiveMs the objective it was chosen for, in milliseconds
   * @param reason why no point qualified (null when feasible)
   */
  public record Selection(Point point, double p99ObjectiveMs, String reason) {
    public Selection {
      if ((point == null) == (reason == null)) {
        throw new IllegalArgumentException("exactly one of point and reason must be given");
      }
    }

    /** Whether a point meets the objective. */
    public boolean feasible() {
      return point != null;
    }
  }

  /** Order among points that meet the objective: best first. */
  static final Comparator<Point> BEST_FIRST =
      Comparator.comparingDouble(Point::throughputPerS)
          .reversed()
          .thenComparingDouble(Point::p99Ms)
          .thenComparingInt(Point::batch);

  /**
   * The largest-throughput point with {@code p99Ms <= p99ObjectiveMs}.
   *
   * @param points the measured points of one variant on one machine
   * @param p99ObjectiveMs the p99 latency objective in milliseconds (> 0)
   */
  public static Selection select(List<Point> points, double p99ObjectiveMs) {
    Checks.positive("p99ObjectiveMs", p99ObjectiveMs);
    if (points.isEmpty()) {
      return new Selection(null, p99ObjectiveMs, "no measured points");
    }
    Point best = null;
    Point fastest = null;
    for (Point p : points) {
      if (fastest == null
          || p.p99Ms() < fastest.p99Ms()
          || (p.p99Ms() == fastest.p99Ms() && p.batch() < fastest.batch())) {
        fastest = p;
      }
      if (p.p99Ms() <= p99ObjectiveMs && (best == null || BEST_FIRST.compare(p, best) < 0)) {
        best = p;
      }
    }
    if (best != null) {
      return new Selection(best, p99ObjectiveMs, null);
    }
    return new Selection(
        null,
        p99ObjectiveMs,
        String.format(
            Locale.ROOT,
            "no batch meets p99 <= %s ms; the lowest p99 is %s ms at batch %d",
            Checks.fmt(p99ObjectiveMs),
            Checks.fmt(fastest.p99Ms()),
            fastest.batch()));
  }
}
