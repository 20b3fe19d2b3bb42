package dev.infercost.compress;

import java.util.List;
import java.util.Map;

/**
 * Settings shared by the passes of one pipeline run.
 *
 * @param filter which nodes may be rewritten
 * @param perChannel per-output-channel weight scales (else one scale per tensor)
 * @param reducedRange 7-bit weights ([-63, 63]) so that AVX2 kernels without VNNI cannot saturate
 *     their 16-bit intermediate sums
 * @param smoothAlpha SmoothQuant migration strength in [0, 1], or {@link #AUTO_ALPHA} to pick one
 *     per activation from the calibration samples
 * @param activationMax calibrated per-channel max |x| of activations, by tensor name
 * @param activationSamples calibrated activation rows per tensor, one array per batch
 */
public record PassContext(
    NodeFilter filter,
    boolean perChannel,
    boolean reducedRange,
    double smoothAlpha,
    Map<String, float[]> activationMax,
    Map<String, List<float[]>> activationSamples) {
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
  }
}
