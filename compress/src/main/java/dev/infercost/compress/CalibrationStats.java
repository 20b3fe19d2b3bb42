package dev.infercost.compress;

import dev.infercost.compress.internal.Histogram;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one calibration run saw ({@link Compressor#calibrate}): per float activation its exact min
 * and max and a 2 × 2048-bin histogram, and per Conv input the mean of each channel, so its size
 * does not grow with the number of batches. Keep it to quantize the same model any number of times
 * (other methods, percentiles, filters) without running the model again. Immutable.
 */
public final class CalibrationStats {
  private final String modelSha256;
  private final Map<String, Histogram> histograms;
  private final int batches;
  private final Map<String, long[]> inputShapes;
  private final Map<String, float[]> channelMeans;

  /**
   * Clip ranges already worked out, per method and percentile: the search builds a model per layer
   * with the same clips, and MSE and entropy clips take seconds on a model with hundreds of
   * activations.
   */
  private final Map<String, Map<String, float[]>> ranges =
      new java.util.concurrent.ConcurrentHashMap<>();

  CalibrationStats(
      String modelSha256,
      Map<String, Histogram> histograms,
      int batches,
      Map<String, long[]> inputShapes,
      Map<String, float[]> channelMeans) {
    this.modelSha256 = modelSha256;
    this.histograms = Collections.unmodifiableMap(new LinkedHashMap<>(histograms));
    this.batches = batches;
    this.inputShapes = Collections.unmodifiableMap(new LinkedHashMap<>(inputShapes));
    this.channelMeans = Collections.unmodifiableMap(new LinkedHashMap<>(channelMeans));
  }

  /** Per Conv input, the mean of each channel (axis 1) over the calibration data. */
  Map<String, float[]> channelMeans() {
    return channelMeans;
  }

  /** The sha256 of the model these statistics were observed on. */
  public String modelSha256() {
    return modelSha256;
  }

  /** How many batches the model ran on (one model run each). */
  public int batches() {
    return batches;
  }

  /** The tensors observed. */
  public Set<String> tensors() {
    return histograms.keySet();
  }

  /** The shape of each graph input in the first batch. */
  Map<String, long[]> inputShapes() {
    return inputShapes;
  }

  /** How many values of {@code tensor} were observed (0 when it was not). */
  public long count(String tensor) {
    Histogram h = histograms.get(tensor);
    return h == null ? 0 : h.count();
  }

  /**
   * The clip range {@code {lo, hi}} ({@code lo ≤ 0 ≤ hi}) that {@code method} picks for {@code
   * tensor}, with {@code percentile} for {@link CalibrationMethod#PERCENTILE}; empty when the
   * tensor was not observed.
   */
  public Optional<float[]> range(String tensor, CalibrationMethod method, double percentile) {
    Histogram h = histograms.get(tensor);
    if (h == null || h.count() == 0) {
      return Optional.empty();
    }
    return Optional.of(
        switch (method) {
          case MIN_MAX -> h.minMax();
          case PERCENTILE -> h.percentile(percentile);
          case ENTROPY -> h.entropy();
          case MSE -> h.mse();
        });
  }

  /** Every observed tensor's range under {@code o}'s method. */
  Map<String, float[]> ranges(StaticOptions o) {
    String key = o.method() + "@" + o.percentile();
    return ranges.computeIfAbsent(
        key,
        k -> {
          Map<String, float[]> out = new LinkedHashMap<>();
          for (String t : histograms.keySet()) {
            range(t, o.method(), o.percentile()).ifPresent(r -> out.put(t, r));
          }
          return Collections.unmodifiableMap(out);
        });
  }
}
