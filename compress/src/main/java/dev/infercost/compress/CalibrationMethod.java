package dev.infercost.compress;

/**
 * How static int8 picks an activation's clip range from its calibration statistics ({@link
 * CalibrationStats}). Every method keeps zero inside the range.
 */
public enum CalibrationMethod {
  /** The smallest and largest values seen. */
  MIN_MAX,
  /**
   * On each side of zero, the clip that leaves {@code (100 − p)}% of all values beyond it ({@link
   * StaticOptions#percentile()}, default 99.999).
   */
  PERCENTILE,
  /** The clip minimizing the KL divergence between the histogram and its quantized version. */
  ENTROPY,
  /** The clip minimizing the squared quantization error over the histogram. */
  MSE
}
