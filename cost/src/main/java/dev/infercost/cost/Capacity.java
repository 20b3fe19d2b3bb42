package dev.infercost.cost;

import dev.infercost.cost.internal.Checks;

/**
 * How many replicas serve a demand, and what that costs a month.
 *
 * <p>For a demand of Q inferences/s and a per-replica throughput of T inferences/s: replicas = ⌈Q ÷
 * T⌉, utilization = Q ÷ (replicas × T), monthly cost = replicas × hourly price × 730 h (a month is
 * 8760 ÷ 12 = 730 hours). A quotient within 10⁻⁹ (relative) of a whole number counts as that
 * number, so floating-point noise in an exact multiple (1.1 ÷ 0.1 = 11.000000000000002) does not
 * add a replica. Zero demand needs zero replicas; its utilization is reported as 0.
 */
public final class Capacity {
  /** Hours in a month: 8760 ÷ 12. */
  public static final double HOURS_PER_MONTH = 730;

  private static final double SNAP = 1e-9;

  private Capacity() {}

  /**
   * A capacity plan.
   *
   * @param demandQps demand in inferences per second
   * @param perReplicaQps throughput of one replica in inferences per second
   * @param replicas ⌈demand ÷ per-replica throughput⌉
   * @param utilization demand ÷ (replicas × per-replica throughput), 0 to 1 (0 when no replicas)
   * @param hourlyUsd replicas × price per replica-hour, USD per hour
   * @param monthlyUsd hourly × 730, USD per month
   */
  public record Plan(
      double demandQps,
      double perReplicaQps,
      long replicas,
      double utilization,
      double hourlyUsd,
      double monthlyUsd) {
    public Plan {
      Checks.nonNegative("demandQps", demandQps);
      Checks.positive("perReplicaQps", perReplicaQps);
      if (replicas < 0) {
        throw new IllegalArgumentException("replicas must be >= 0, got " + replicas);
      }
      if (!(utilization >= 0 && utilization <= 1)) {
        throw new IllegalArgumentException("utilization must be in [0, 1], got " + utilization);
      }
      Checks.nonNegative("hourlyUsd", hourlyUsd);
      Checks.nonNegative("monthlyUsd", monthlyUsd);
    }
  }

  /**
   * The plan for serving {@code demandQps} with replicas of {@code perReplicaQps} throughput that
   * cost {@code hourlyUsdPerReplica} each.
   */
  public static Plan plan(double demandQps, double perReplicaQps, double hourlyUsdPerReplica) {
    Checks.nonNegative("hourlyUsdPerReplica", hourlyUsdPerReplica);
    long n = replicas(demandQps, perReplicaQps);
    double utilization = n == 0 ? 0 : Math.min(1.0, demandQps / (n * perReplicaQps));
    double hourly = n * hourlyUsdPerReplica;
    return new Plan(demandQps, perReplicaQps, n, utilization, hourly, hourly * HOURS_PER_MONTH);
  }

  /** ⌈demand ÷ per-replica throughput⌉, with the snapping described in the class comment. */
  public static long replicas(double demandQps, double perReplicaQps) {
    Checks.nonNegative("demandQps", demandQps);
    Checks.positive("perReplicaQps", perReplicaQps);
    double q = demandQps / perReplicaQps;
    double r = Math.rint(q);
    if (r >= 1 && Math.abs(q - r) <= SNAP * r) {
      return (long) r;
    }
    return (long) Math.ceil(q);
  }
}
