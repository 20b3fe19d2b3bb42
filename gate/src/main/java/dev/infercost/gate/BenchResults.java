package dev.infercost.gate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.infercost.base.HostFingerprint;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One benchmark results file: an infercost {@code bench} file ({@code "kind": "bench", "schema":
 * 1}) or a JMH JSON result file. The one schema of bench results: {@code bench} builds these
 * records (metrics named by {@link Measure}) and writes them with {@link Gate#toJson}; the gate
 * reads them with {@link Gate#read}.
 *
 * @param source where the results came from (the file name), for messages
 * @param format which file format they were read from
 * @param createdAt when they were measured (ISO-8601), or null
 * @param provenance the host and versions that measured them, or null (JMH files)
 * @param reference the reference workload measured alongside, or null (JMH files)
 * @param entries the benchmark entries, names unique
 */
public record BenchResults(
    String source,
    Format format,
    String createdAt,
    Provenance provenance,
    Reference reference,
    List<Entry> entries) {

  /** Version of the bench results layout this gate reads. */
  public static final int SCHEMA = 1;

  public BenchResults {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(format, "format");
    entries = List.copyOf(entries);
    Set<String> names = new HashSet<>();
    for (Entry e : entries) {
      if (!names.add(e.name())) {
        throw new IllegalArgumentException("duplicate entry '" + e.name() + "'");
      }
    }
  }

  /** The entry named {@code name}. */
  public Optional<Entry> entry(String name) {
    return entries.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /** The file format results were read from. */
  public enum Format {
    /** infercost {@code bench} results, {@code "kind": "bench"}. */
    BENCH,
    /** A JMH result file ({@code -rf json}). */
    JMH;

    @JsonValue
    String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How a metric's value comes about. */
  public enum Kind {
    /** The same inputs give the same value (size, MACs, accuracy): compared exactly. */
    DETERMINISTIC,
    /** A measured time or a figure derived from one: compared statistically. */
    TIMING;

    @JsonValue
    String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Which direction of change is an improvement. */
  public enum Better {
    LOWER,
    HIGHER;

    @JsonValue
    String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The machine and settings that measured the results; any field may be null.
   *
   * @param gitCommit the commit measured
   * @param host the machine
   * @param threads intra-op threads
   * @param infercost infercost version
   * @param onnxRuntime ONNX Runtime version
   * @param java Java version
   * @param suite the suite file that was run
   * @param fingerprint the machine in full (CPU family and model, cores, ISA, GPU, runtimes), what
   *     {@code choose --measurements} matches to a catalog entry; null in files without one
   */
  public record Provenance(
      String gitCommit,
      Host host,
      Integer threads,
      String infercost,
      String onnxRuntime,
      String java,
      String suite,
      @JsonInclude(JsonInclude.Include.NON_NULL) HostFingerprint fingerprint) {}

  /**
   * The machine. CPU model and logical cores decide whether timings from two files are comparable;
   * the rest is recorded.
   *
   * @param cpuModel CPU model name, or null
   * @param logicalCores logical cores, or null
   * @param cpuFeatures instruction-set features that change kernels ({@code avx2}, {@code
   *     avx512_vnni}, ...), possibly empty
   * @param os operating system and version, or null
   * @param arch CPU architecture, or null
   */
  public record Host(
      String cpuModel, Integer logicalCores, List<String> cpuFeatures, String os, String arch) {
    public Host {
      cpuFeatures = cpuFeatures == null ? List.of() : List.copyOf(cpuFeatures);
    }
  }

  /**
   * A fixed workload timed alongside the benchmarks, so that timings from different machines can be
   * put on one scale.
   *
   * @param name what it runs
   * @param unit unit of the samples (a time)
   * @param samples per-run times, none negative
   */
  public record Reference(String name, String unit, List<Double> samples) {
    public Reference {
      samples = List.copyOf(samples);
      for (double s : samples) {
        if (!(s >= 0) || !Double.isFinite(s)) {
          throw new IllegalArgumentException(
              "reference sample " + s + " is negative or not finite");
        }
      }
    }
  }

  /**
   * The same results with only deterministic metrics: what a gate that must never flap compares
   * (size, MACs, accuracy on fixed data).
   */
  public BenchResults deterministicOnly() {
    return new BenchResults(
        source,
        format,
        createdAt,
        provenance,
        reference,
        entries.stream()
            .map(
                e ->
                    new Entry(
                        e.name(),
                        e.model(),
                        e.variant(),
                        e.modelSha256(),
                        e.batch(),
                        e.metrics().stream().filter(m -> m.kind() == Kind.DETERMINISTIC).toList(),
                        null))
            .toList());
  }

  /**
   * One benchmarked thing (a model variant, a JMH benchmark with its parameters).
   *
   * @param name unique within the file; entries are matched by it
   * @param model the model, or null
   * @param variant the variant, or null
   * @param modelSha256 sha256 of the model file that was measured, or null
   * @param batch the batch size it was measured at, or null
   * @param metrics its metrics, names unique
   * @param paired its timing measured side by side with a baseline model in the same run, or null
   */
  public record Entry(
      String name,
      String model,
      String variant,
      @JsonInclude(JsonInclude.Include.NON_NULL) String modelSha256,
      @JsonInclude(JsonInclude.Include.NON_NULL) Integer batch,
      List<Metric> metrics,
      @JsonInclude(JsonInclude.Include.NON_NULL) Paired paired) {
    /** An entry without the measured file's hash and batch, nor a paired baseline (JMH). */
    public Entry(String name, String model, String variant, List<Metric> metrics) {
      this(name, model, variant, null, null, metrics, null);
    }

    public Entry {
      Objects.requireNonNull(name, "name");
      metrics = List.copyOf(metrics);
      Set<String> names = new HashSet<>();
      for (Metric m : metrics) {
        if (!names.add(m.name())) {
          throw new IllegalArgumentException(
              "entry '" + name + "': duplicate metric '" + m.name() + "'");
        }
      }
    }

    /** The metric named {@code name}. */
    public Optional<Metric> metric(String name) {
      return metrics.stream().filter(m -> m.name().equals(name)).findFirst();
    }
  }

  /**
   * An entry's latency measured in rounds alternating with a baseline model in the same process:
   * round {@code i} of both ran back to back, so {@code candidateMs[i] / baselineMs[i]} is a paired
   * ratio from which the machine's drift between rounds cancels. The gate judges the entry's timing
   * metrics by these ratios instead of by a baseline file's timings.
   *
   * @param baseline the baseline model as the suite named it
   * @param clock what was timed: {@code thread-cpu} (CPU time of the thread that ran a
   *     single-threaded inference: the work without the wait for a core) or {@code wall}
   * @param candidateMs the entry's time per round (the mean of its runs in the round), in ms
   * @param baselineMs the baseline model's time per round, likewise
   */
  public record Paired(
      String baseline, String clock, List<Double> candidateMs, List<Double> baselineMs) {
    /** Wall-clock time: the clock when a file names none. */
    public static final String WALL = "wall";

    /** CPU time of the thread that ran the inference. */
    public static final String THREAD_CPU = "thread-cpu";

    public Paired {
      Objects.requireNonNull(baseline, "baseline");
      if (!WALL.equals(clock) && !THREAD_CPU.equals(clock)) {
        throw new IllegalArgumentException("paired clock '" + clock + "': use wall or thread-cpu");
      }
      candidateMs = List.copyOf(candidateMs);
      baselineMs = List.copyOf(baselineMs);
      if (candidateMs.size() != baselineMs.size()) {
        throw new IllegalArgumentException(
            "paired rounds differ in number: "
                + candidateMs.size()
                + " candidate, "
                + baselineMs.size()
                + " baseline");
      }
      for (List<Double> l : List.of(candidateMs, baselineMs)) {
        for (double v : l) {
          if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException("paired round median " + v + " is not positive");
          }
        }
      }
    }
  }

  /**
   * One measured figure.
   *
   * @param name matched by name; {@code size}, {@code macs}, {@code accuracy}, {@code latency.*},
   *     {@code cost.*} pick their thresholds by it (the vocabulary is {@link Measure})
   * @param unit its unit
   * @param kind deterministic or timing
   * @param better which direction is an improvement
   * @param value the reported value (finite)
   * @param samples per-run values in {@code unit} (timing metrics), none negative; may be empty
   * @param provenance how the value was obtained ({@code measured}, {@code estimated}), or null
   */
  public record Metric(
      String name,
      String unit,
      Kind kind,
      Better better,
      double value,
      List<Double> samples,
      String provenance) {
    public Metric {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(better, "better");
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException("metric '" + name + "': value is not finite");
      }
      samples = samples == null ? List.of() : List.copyOf(samples);
      for (double s : samples) {
        if (!(s >= 0) || !Double.isFinite(s)) {
          throw new IllegalArgumentException(
              "metric '" + name + "': sample " + s + " is negative or not finite");
        }
      }
    }
  }
}
