package dev.infercost.gate;

import dev.infercost.gate.BenchResults.Better;
import dev.infercost.gate.BenchResults.Kind;
import dev.infercost.gate.BenchResults.Metric;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The metric vocabulary {@code bench} writes and the gate reads: each measure's name, unit, kind
 * and better direction, in one place. The cost of one hardware entry is the family {@code
 * cost.<hardware>} ({@link #cost}). A measure also names a family for thresholds: {@code size}
 * covers {@code size} and {@code size.*}.
 *
 * <pre>{@code
 * Metric size = Measure.SIZE.of(bytes, "file size");
 * Metric p50 = Measure.LATENCY_P50.of(p50Ms, samplesMs, "measured on ...");
 * Metric cost = Measure.cost("aws-c6a.large", Kind.TIMING, usd, samples, "measured on ...");
 * }</pre>
 */
public enum Measure {
  /** File size of the model. */
  SIZE("size", "bytes", Kind.DETERMINISTIC, Better.LOWER),
  /** Multiply-accumulates per inference, from shape inference. */
  MACS("macs", "MAC", Kind.DETERMINISTIC, Better.LOWER),
  /** Top-1 accuracy on labelled data. */
  ACCURACY("accuracy", "fraction", Kind.DETERMINISTIC, Better.HIGHER),
  /** Mean cosine similarity of the outputs to fp32, where there are no labels. */
  FIDELITY_COSINE("fidelity.cosine", "cosine", Kind.DETERMINISTIC, Better.HIGHER),
  /** Median latency per call. */
  LATENCY_P50("latency.p50", "ms", Kind.TIMING, Better.LOWER),
  /** Inferences per second at the suite's batch, single stream. */
  THROUGHPUT("throughput", "inferences/s", Kind.TIMING, Better.HIGHER);

  /** The family of {@code cost.<hardware>} metrics: USD per million inferences on one entry. */
  public static final String COST = "cost";

  /** The unit of every {@code cost.<hardware>} metric. */
  public static final String COST_UNIT = "USD per 1M inferences";

  private final String id;
  private final String unit;
  private final Kind kind;
  private final Better better;

  Measure(String id, String unit, Kind kind, Better better) {
    this.id = id;
    this.unit = unit;
    this.kind = kind;
    this.better = better;
  }

  /** The metric name in results files, e.g. {@code latency.p50}. */
  public String id() {
    return id;
  }

  /** Its unit, e.g. {@code ms}. */
  public String unit() {
    return unit;
  }

  public Kind kind() {
    return kind;
  }

  public Better better() {
    return better;
  }

  /** This measure with its value and per-run samples (empty for deterministic measures). */
  public Metric of(double value, List<Double> samples, String provenance) {
    return new Metric(id, unit, kind, better, value, samples, provenance);
  }

  /** This measure with its value and no samples. */
  public Metric of(double value, String provenance) {
    return of(value, List.of(), provenance);
  }

  /** Whether {@code metric} is this measure or one of its family: {@code id} or {@code id.*}. */
  public boolean covers(String metric) {
    return inFamily(metric, id);
  }

  /** The name of the cost metric of hardware entry {@code hardware}: {@code cost.<hardware>}. */
  public static String costName(String hardware) {
    Objects.requireNonNull(hardware, "hardware");
    return COST + "." + hardware;
  }

  /**
   * The cost per million inferences on {@code hardware}: a timing when derived from measured
   * latency samples, deterministic when estimated without them.
   */
  public static Metric cost(
      String hardware, Kind kind, double usdPerMillion, List<Double> samples, String provenance) {
    return new Metric(
        costName(hardware), COST_UNIT, kind, Better.LOWER, usdPerMillion, samples, provenance);
  }

  /** The hardware entry a {@code cost.<hardware>} metric prices, or empty for any other metric. */
  public static Optional<String> costHardware(String metric) {
    String prefix = COST + ".";
    return metric.startsWith(prefix) && metric.length() > prefix.length()
        ? Optional.of(metric.substring(prefix.length()))
        : Optional.empty();
  }

  /** Whether {@code metric} is a cost: {@code cost} or {@code cost.*}. */
  public static boolean isCost(String metric) {
    return inFamily(metric, COST);
  }

  /** Whether {@code metric} is {@code family} or {@code family.*}. */
  private static boolean inFamily(String metric, String family) {
    return metric.equals(family) || metric.startsWith(family + ".");
  }
}
