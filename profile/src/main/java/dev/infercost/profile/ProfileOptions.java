package dev.infercost.profile;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to profile: engine, device, threads, batch sizes, input shapes or data, and the sampling
 * plan. Build with {@link #builder()}; every field has a default sized for a small shared machine.
 *
 * <p>Sampling: at least {@code warmupRuns} runs and {@code warmupMillis} of warm-up, then
 * measurement until both {@code minSamples} and {@code minMillis} are reached, stopping at {@code
 * maxMillis} whatever the count.
 *
 * <p>{@code shapes} keeps the order the shapes were given in.
 */
public record ProfileOptions(
    Engine engine,
    boolean cuda,
    int threads,
    List<Integer> batches,
    Map<String, long[]> shapes,
    Optional<Path> inputs,
    int warmupRuns,
    long warmupMillis,
    int minSamples,
    long minMillis,
    long maxMillis) {

  /** More threads than this many per logical CPU measure nothing but the scheduler. */
  static final int MAX_THREADS_PER_CPU = 16;

  /** Largest batch measured: beyond it inputs alone outgrow any machine's memory. */
  public static final int MAX_BATCH = 1 << 20;

  /** The most intra-op threads a run may ask for on this host. */
  public static int maxThreads() {
    return MAX_THREADS_PER_CPU * Runtime.getRuntime().availableProcessors();
  }

  public ProfileOptions {
    int cpus = Runtime.getRuntime().availableProcessors();
    if (threads < 1 || threads > maxThreads()) {
      throw new IllegalArgumentException(
          "threads must be in [1, "
              + MAX_THREADS_PER_CPU * cpus
              + "] on this host ("
              + cpus
              + " logical CPUs), got "
              + threads);
    }
    if (warmupRuns < 0 || minSamples < 1 || minMillis < 0 || maxMillis < 1) {
      throw new IllegalArgumentException("bad sampling plan");
    }
    if (maxMillis < minMillis) {
      throw new IllegalArgumentException(
          "the longest measurement ("
              + maxMillis
              + " ms) is shorter than the shortest ("
              + minMillis
              + " ms)");
    }
    for (int b : batches) {
      if (b < 1 || b > MAX_BATCH) {
        throw new IllegalArgumentException(
            "batch sizes must be in [1, " + MAX_BATCH + "], got " + b);
      }
    }
    batches = List.copyOf(batches);
    // Insertion order matters: TorchScript inputs given by --shape are fed in this order.
    Map<String, long[]> copy = new LinkedHashMap<>();
    shapes.forEach(
        (k, v) -> copy.put(Objects.requireNonNull(k), Objects.requireNonNull(v).clone()));
    shapes = Collections.unmodifiableMap(copy);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Optional settings; {@link #build()} validates them. */
  public static final class Builder {
    private Engine engine = Engine.ORT;
    private boolean cuda;
    private int threads = 1;
    private List<Integer> batches = List.of();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private Path inputs;
    private int warmupRuns = 5;
    private long warmupMillis = 500;
    private int minSamples = 30;
    private long minMillis = 2_000;
    private long maxMillis = 60_000;

    public Builder optEngine(Engine e) {
      this.engine = e;
      return this;
    }

    public Builder optCuda(boolean c) {
      this.cuda = c;
      return this;
    }

    public Builder optThreads(int t) {
      this.threads = t;
      return this;
    }

    /** Batch sizes to sweep; empty means the shapes' own dim 0 (1 for symbolic). */
    public Builder optBatches(List<Integer> b) {
      this.batches = b;
      return this;
    }

    public Builder optShape(String input, long[] dims) {
      shapes.put(input, dims.clone());
      return this;
    }

    /** Read inputs from a {@code .npy}/{@code .npz} file instead of synthesizing them. */
    public Builder optInputs(Path p) {
      this.inputs = p;
      return this;
    }

    public Builder optWarmup(int runs, long millis) {
      this.warmupRuns = runs;
      this.warmupMillis = millis;
      return this;
    }

    public Builder optSampling(int minSamples, long minMillis, long maxMillis) {
      this.minSamples = minSamples;
      this.minMillis = minMillis;
      this.maxMillis = maxMillis;
      return this;
    }

    public ProfileOptions build() {
      return new ProfileOptions(
          engine,
          cuda,
          threads,
          batches,
          shapes,
          Optional.ofNullable(inputs),
          warmupRuns,
          warmupMillis,
          minSamples,
          minMillis,
          maxMillis);
    }
  }
}
