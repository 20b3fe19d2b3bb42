package dev.infercost.compress;

import java.util.List;
import java.util.Map;

/**
 * Settings shared by the passes of one pipeline run. Build it by name: {@link #of(NodeFilter)} for
 * passes that read only the filter (float16, weight-only), {@link #builder(NodeFilter)} with {@code
 * opt*} setters for the rest.
 *
 * @param filter which nodes may be rewritten
 * @param perChannel per-output-channel weight scales (else one scale per tensor)
 * @param reducedRange 7-bit weights ([-63, 63]) so that AVX2 kernels without VNNI cannot saturate
 *     their 16-bit intermediate sums
 * @param smoothAlpha SmoothQuant migration strength in [0, 1], or {@link #AUTO_ALPHA} to pick one
 *     per activation from the calibration samples
 * @param activationMax calibrated per-channel max |x| of activations, by tensor name
 * @param activationSamples calibrated activation rows per tensor, one array per batch
 * @param activationRange calibrated clip range {@code {lo, hi}} per tensor ({@code lo ≤ 0 ≤ hi}),
 *     by name: what static int8 for CPUs quantizes activations to
 * @param activationMean calibrated per-channel mean (axis 1) of Conv inputs, by tensor name: what
 *     static int8 for CPUs corrects each Conv's bias with for the mean error of its int8 weights
 */
public record PassContext(
    NodeFilter filter,
    boolean perChannel,
    boolean reducedRange,
    double smoothAlpha,
    Map<String, float[]> activationMax,
    Map<String, List<float[]>> activationSamples,
    Map<String, float[]> activationRange,
    Map<String, float[]> activationMean) {
  /** {@code smoothAlpha} value that asks for a per-activation search. */
  public static final double AUTO_ALPHA = -1;

  public PassContext {
    if (filter == null) {
      throw new IllegalArgumentException("filter is required");
    }
    if (smoothAlpha != AUTO_ALPHA && (smoothAlpha < 0 || smoothAlpha > 1)) {
      throw new IllegalArgumentException("smoothAlpha must be in [0, 1], got " + smoothAlpha);
    }
    activationMax = Map.copyOf(activationMax);
    activationSamples = Map.copyOf(activationSamples);
    activationRange = Map.copyOf(activationRange);
    activationMean = Map.copyOf(activationMean);
  }

  /**
   * A context with only a filter and the defaults: per-channel scales, full 8-bit range, no
   * SmoothQuant, no activation statistics.
   */
  public static PassContext of(NodeFilter filter) {
    return builder(filter).build();
  }

  /** A builder: the filter is required, every other setting optional as {@code opt*}. */
  public static Builder builder(NodeFilter filter) {
    return new Builder(filter);
  }

  /** Required settings in {@code builder(...)}, optional ones as {@code opt*}. */
  public static final class Builder {
    private final NodeFilter filter;
    private boolean perChannel = true;
    private boolean reducedRange;
    private double smoothAlpha;
    private Map<String, float[]> activationMax = Map.of();
    private Map<String, List<float[]>> activationSamples = Map.of();
    private Map<String, float[]> activationRange = Map.of();
    private Map<String, float[]> activationMean = Map.of();

    private Builder(NodeFilter filter) {
      this.filter = filter;
    }

    /** Per-output-channel weight scales (default), or one per tensor. */
    public Builder optPerChannel(boolean b) {
      this.perChannel = b;
      return this;
    }

    /** 7-bit weights (default off). */
    public Builder optReducedRange(boolean b) {
      this.reducedRange = b;
      return this;
    }

    /** SmoothQuant strength in [0, 1] or {@link #AUTO_ALPHA}; default 0 (off). */
    public Builder optSmoothAlpha(double alpha) {
      this.smoothAlpha = alpha;
      return this;
    }

    /** Calibrated per-channel max |x| of activations, by tensor name (default none). */
    public Builder optActivationMax(Map<String, float[]> max) {
      this.activationMax = max;
      return this;
    }

    /** Calibrated activation rows per tensor, one array per batch (default none). */
    public Builder optActivationSamples(Map<String, List<float[]>> samples) {
      this.activationSamples = samples;
      return this;
    }

    /** Calibrated clip ranges {@code {lo, hi}} of activations, by tensor name (default none). */
    public Builder optActivationRange(Map<String, float[]> range) {
      this.activationRange = range;
      return this;
    }

    /** Calibrated per-channel means of Conv inputs, by tensor name (default none). */
    public Builder optActivationMean(Map<String, float[]> mean) {
      this.activationMean = mean;
      return this;
    }

    public PassContext build() {
      return new PassContext(
          filter,
          perChannel,
          reducedRange,
          smoothAlpha,
          activationMax,
          activationSamples,
          activationRange,
          activationMean);
    }
  }
}
