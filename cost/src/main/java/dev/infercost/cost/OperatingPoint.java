package dev.infercost.cost;

/**
 * One way of keeping a host's threads busy with a variant.
 *
 * @param throughput inferences/s
 * @param p99Ms p99 latency of one call in milliseconds
 * @param how for provenance: {@code "2 threads"}, {@code "2 streams x 1 thread"}
 * @param spread how uncertain the throughput is ({@link Spread#latencyCi})
 */
public record OperatingPoint(double throughput, double p99Ms, String how, Spread spread) {
  /** A point whose throughput's confidence interval is not known ({@link Spread#runToRun}). */
  public OperatingPoint(double throughput, double p99Ms, String how) {
    this(throughput, p99Ms, how, Spread.runToRun("no confidence interval given"));
  }

  public OperatingPoint {
    if (spread == null) {
      throw new IllegalArgumentException("spread is required");
    }
  }

  /**
   * Of one stream with every thread ({@code single}) and, when measured, as many single-thread
   * streams ({@code streams}, or null), the one with the higher throughput among those whose p99
   * meets {@code p99ObjectiveMs}, else {@code single}. The choice is made on the measuring host and
   * carried to the CPUs it is projected onto.
   */
  public static OperatingPoint best(
      OperatingPoint single, OperatingPoint streams, double p99ObjectiveMs) {
    if (streams == null) {
      return single;
    }
    boolean manyOk = streams.p99Ms() <= p99ObjectiveMs;
    boolean singleOk = single.p99Ms() <= p99ObjectiveMs;
    if (manyOk && (!singleOk || streams.throughput() > single.throughput())) {
      return streams;
    }
    return single;
  }
}
