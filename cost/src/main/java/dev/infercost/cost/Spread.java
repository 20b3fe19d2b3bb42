package dev.infercost.cost;

import dev.infercost.base.Fmt;
import dev.infercost.cost.internal.Checks;

/**
 * How uncertain a throughput is, as factors on its value: the figure may lie anywhere in {@code
 * [value × low, value × high]} ({@code 0 < low ≤ 1 ≤ high}), and {@code source} says which spread
 * that is. Independent sources combine by {@link #times} (factors multiplied: the ends are the
 * worst case of both, not a root-sum-square, so a range is never narrower than either part).
 *
 * <ul>
 *   <li>A measurement ({@link #latencyCi}): the 95% confidence interval of the median latency,
 *       widened to at least {@link #RUN_TO_RUN} either way.
 *   <li>A CPU projection ({@link #ratio}): off by up to a factor {@code 1 + E} either way, E the
 *       largest error of the CPU model on this host's own measurements ({@link
 *       ProjectionCheck#errorSpread(boolean)}), else {@link #DEFAULT_CPU_PROJECTION_ERROR}.
 *   <li>A GPU roofline: {@link #GPU_ROOFLINE}, an assumption.
 * </ul>
 *
 * @param low factor for the low end, in (0, 1]
 * @param high factor for the high end, at least 1
 * @param source which spread this is, for provenance
 */
public record Spread(double low, double high, String source) {
  /**
   * The smallest relative spread a single measurement gets either way, 0.056: two unpaired runs of
   * the same model on the quiet development machine (2-core AMD EPYC Zen 5) differed by up to 5.6%
   * in latency (A/A ratio 0.992–1.056 over 20 runs; {@code benchmarks/README.md}, gate-flap,
   * 2026-11-29), far more than one run's confidence interval of the median says. A cost is a
   * promise about later runs, so its range is at least that wide.
   */
  public static final double RUN_TO_RUN = 0.056;

  /**
   * The CPU model's error used where this host's own check has no pairs (1 thread, or nothing
   * measured both at 1 thread and with several vCPUs busy), 1.65: the largest |projected −
   * measured| ÷ measured of two single-thread streams projected from one thread (linear scaling, as
   * a 1-thread measurement is projected), median of three runs of {@code choose digits-cnn
   * --threads 2 --batch 1,8 --methods fp32,int8-dynamic} on the development machine (2-core AMD
   * EPYC Zen 5) at load average 10–12: 324%, 165%, 95% ({@code cost/README.md}, "Ranges"). A shared
   * machine's contention is part of it, so it is pessimistic for a quiet host; run with {@code
   * --threads 2} or more there to use that host's own check instead.
   */
  public static final double DEFAULT_CPU_PROJECTION_ERROR = 1.65;

  /**
   * A GPU figure's spread: a factor 2 either way. The roofline assumes half of the datasheet peak
   * ({@link Projection#DEFAULT_GPU_EFFICIENCY}; at most all of it, hence up to 2× faster) and a
   * launch overhead of {@link Projection#GPU_LAUNCH_OVERHEAD_US} µs per operator; neither was
   * measured on a GPU by this project, so the same factor is assumed downwards. An assumption, not
   * a measurement.
   */
  public static final Spread GPU_ROOFLINE =
      new Spread(
          0.5,
          2,
          "GPU roofline: efficiency and launch overhead assumed, never measured here; a factor 2"
              + " either way (assumed)");

  public Spread {
    if (!(low > 0 && low <= 1 && high >= 1 && Double.isFinite(high))) {
      throw new IllegalArgumentException(
          "spread factors must satisfy 0 < low <= 1 <= high, got " + low + ", " + high);
    }
    Checks.nonBlank("source", source);
  }

  /** Off by up to a factor {@code 1 + error} either way ({@code error} ≥ 0). */
  public static Spread ratio(double error, String source) {
    Checks.nonNegative("error", error);
    return new Spread(1 / (1 + error), 1 + error, source);
  }

  /**
   * The spread of a throughput computed from latencies whose median {@code p50} has the 95%
   * confidence interval [{@code ciLow}, {@code ciHigh}] (ms): throughput ∝ 1 ÷ latency, so the
   * factors are {@code p50 ÷ ciHigh} and {@code p50 ÷ ciLow}, each widened to at least {@link
   * #RUN_TO_RUN}.
   */
  public static Spread latencyCi(double p50, double ciLow, double ciHigh) {
    Checks.positive("p50", p50);
    Checks.positive("ciLow", ciLow);
    if (!(ciLow <= p50 && p50 <= ciHigh)) {
      throw new IllegalArgumentException(
          "the median " + p50 + " must lie in its interval [" + ciLow + ", " + ciHigh + "]");
    }
    double low = Math.min(p50 / ciHigh, 1 / (1 + RUN_TO_RUN));
    double high = Math.max(p50 / ciLow, 1 + RUN_TO_RUN);
    return new Spread(
        low,
        high,
        "measurement: 95% CI of the median latency "
            + pct(ciLow / p50 - 1)
            + "/"
            + pct(ciHigh / p50 - 1)
            + ", widened to at least ±"
            + Fmt.sig(RUN_TO_RUN * 100, 2)
            + "% run to run");
  }

  /** A measurement whose confidence interval is not known: {@link #RUN_TO_RUN} either way. */
  public static Spread runToRun(String why) {
    return new Spread(
        1 / (1 + RUN_TO_RUN),
        1 + RUN_TO_RUN,
        "measurement: ±" + Fmt.sig(RUN_TO_RUN * 100, 2) + "% run to run (" + why + ")");
  }

  /** Both spreads at once: the factors multiplied, the sources joined. */
  public Spread times(Spread other) {
    return new Spread(low * other.low, high * other.high, source + "; " + other.source);
  }

  /** The range of {@code value} under this spread. */
  public Range of(double value) {
    return new Range(value * low, value * high);
  }

  /** {@code range −a%…+b%: source}, for provenance. */
  public String describe() {
    return "range " + pct(low - 1) + "…" + pct(high - 1) + " (" + source + ")";
  }

  private static String pct(double f) {
    return (f >= 0 ? "+" : "") + Fmt.sig(f * 100, 2) + "%";
  }
}
