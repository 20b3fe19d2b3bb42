package dev.infercost.workflows;

import dev.infercost.profile.HostInfo;
import dev.infercost.profile.LatencyStats;
import java.util.List;

/**
 * What {@code bench} writes: the input of {@code gate} (schema documented in gate/README.md).
 *
 * @param schema layout version, 1
 * @param kind always {@code bench}
 * @param createdAt ISO-8601 time of the run
 * @param provenance where and with what the numbers were measured
 * @param reference the reference workload measured on this host (for cross-host normalization)
 * @param entries one per suite entry
 */
public record BenchResults(
    int schema,
    String kind,
    String createdAt,
    Provenance provenance,
    Reference reference,
    List<Entry> entries) {

  /** Host, threads, versions, and the git commit if the suite sits in a git checkout. */
  public record Provenance(
      String gitCommit,
      HostInfo host,
      int threads,
      String infercost,
      String onnxRuntime,
      String java,
      String suite) {}

  /**
   * A short fixed workload measured on every host: digits-cnn at batch 64 on ONNX Runtime.
   *
   * @param name what ran
   * @param unit of the samples
   * @param samples per-run times
   */
  public record Reference(String name, String unit, List<Double> samples) {}

  /**
   * One entry's metrics and the details behind them.
   *
   * @param latency the latency summary (samples in the {@code latency.p50} metric)
   * @param throughput inferences per second at batch 1, single stream
   * @param inputShapes input shapes used
   */
  public record Entry(
      String name,
      String model,
      String variant,
      List<Metric> metrics,
      LatencyStats latency,
      double throughput,
      java.util.Map<String, List<Long>> inputShapes) {}

  /**
   * One compared quantity.
   *
   * @param name {@code size}, {@code macs}, {@code accuracy}, {@code fidelity.cosine}, {@code
   *     latency.p50}, {@code throughput}, {@code cost.<hardware>}
   * @param unit its unit
   * @param kind {@code deterministic} (compared exactly) or {@code timing} (compared statistically
   *     from {@code samples})
   * @param better {@code lower} or {@code higher}
   * @param value the figure
   * @param samples per-run values for timing metrics, else empty
   * @param provenance {@code measured on <host>} or {@code estimated (<method>)}
   */
  public record Metric(
      String name,
      String unit,
      String kind,
      String better,
      double value,
      List<Double> samples,
      String provenance) {
    public Metric {
      samples = List.copyOf(samples);
    }

    static Metric deterministic(String name, String unit, String better, double value, String how) {
      return new Metric(name, unit, "deterministic", better, value, List.of(), how);
    }
  }
}
