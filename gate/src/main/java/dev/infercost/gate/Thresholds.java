package dev.infercost.gate;

/**
 * How much worse a metric may get before the gate fails. Increases are fractions of the baseline
 * ({@code 0.05} = 5%); the accuracy drop is absolute ({@code 0.01} = one point of accuracy).
 *
 * @param maxCostIncrease {@code cost.*} timing metrics
 * @param maxLatencyIncrease {@code latency.*} timing metrics, and every other timing metric (JMH
 *     scores included)
 * @param maxSizeIncrease the deterministic {@code size} metric
 * @param maxMacsIncrease the deterministic {@code macs} metric
 * @param maxAccuracyDrop the deterministic {@code accuracy} metric, absolute
 */
public record Thresholds(
    double maxCostIncrease,
    double maxLatencyIncrease,
    double maxSizeIncrease,
    double maxMacsIncrease,
    double maxAccuracyDrop) {

  /** 5% for cost and latency, nothing for size, MACs and accuracy. */
  public static final Thresholds DEFAULTS = new Thresholds(0.05, 0.05, 0, 0, 0);

  public Thresholds {
    check("maxCostIncrease", maxCostIncrease);
    check("maxLatencyIncrease", maxLatencyIncrease);
    check("maxSizeIncrease", maxSizeIncrease);
    check("maxMacsIncrease", maxMacsIncrease);
    check("maxAccuracyDrop", maxAccuracyDrop);
    if (maxAccuracyDrop > 1) {
      throw new IllegalArgumentException(
          "maxAccuracyDrop is an absolute share of 1, at most 1, got " + maxAccuracyDrop);
    }
  }

  private static void check(String name, double v) {
    if (!(v >= 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + v);
    }
  }

  public Thresholds withMaxCostIncrease(double v) {
    return new Thresholds(v, maxLatencyIncrease, maxSizeIncrease, maxMacsIncrease, maxAccuracyDrop);
  }

  public Thresholds withMaxLatencyIncrease(double v) {
    return new Thresholds(maxCostIncrease, v, maxSizeIncrease, maxMacsIncrease, maxAccuracyDrop);
  }

  public Thresholds withMaxSizeIncrease(double v) {
    return new Thresholds(maxCostIncrease, maxLatencyIncrease, v, maxMacsIncrease, maxAccuracyDrop);
  }

  public Thresholds withMaxMacsIncrease(double v) {
    return new Thresholds(maxCostIncrease, maxLatencyIncrease, maxSizeIncrease, v, maxAccuracyDrop);
  }

  public Thresholds withMaxAccuracyDrop(double v) {
    return new Thresholds(maxCostIncrease, maxLatencyIncrease, maxSizeIncrease, maxMacsIncrease, v);
  }
}
