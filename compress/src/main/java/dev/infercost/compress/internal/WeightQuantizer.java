package dev.infercost.compress.internal;

/**
 * Weight quantization arithmetic: symmetric int8 (per channel along an axis, or per tensor),
 * asymmetric uint8.
 */
public final class WeightQuantizer {
  private WeightQuantizer() {}

  /** Quantized values and their scales (one per column, or one for the tensor). */
  public record Symmetric(byte[] values, float[] scales) {}

  /** Asymmetric uint8: {@code x ≈ (q - zeroPoint) · scale}. */
  public record Asymmetric(byte[] values, float scale, int zeroPoint) {}

  /**
   * Symmetric int8 of a row-major {@code [rows, cols]} matrix, {@code q = round(w / s)} clamped to
   * {@code [-qmax, qmax]}; one scale per column when {@code perColumn}, else one overall.
   */
  public static Symmetric symmetric(float[] w, int rows, int cols, int qmax, boolean perColumn) {
    return symmetric(w, new long[] {rows, cols}, perColumn ? 1 : -1, qmax);
  }

  /**
   * Symmetric int8 of a row-major tensor of shape {@code dims}: one scale per index along {@code
   * axis}, or one overall when {@code axis < 0}; {@code q = round(w / s)} clamped to {@code [-qmax,
   * qmax]} with {@code s = max|w| / qmax} over the values sharing the scale.
   */
  public static Symmetric symmetric(float[] w, long[] dims, int axis, int qmax) {
    return symmetric(w, dims, axis, qmax, null);
  }

  /**
   * As {@link #symmetric(float[], long[], int, int)}, with each scale at least {@code minScale[k]}
   * (one per scale; {@code null}: no floor).
   */
  public static Symmetric symmetric(float[] w, long[] dims, int axis, int qmax, float[] minScale) {
    int channels = axis < 0 ? 1 : (int) dims[axis];
    long inner = 1;
    for (int d = axis + 1; axis >= 0 && d < dims.length; d++) {
      inner *= dims[d];
    }
    float[] maxAbs = new float[channels];
    for (int i = 0; i < w.length; i++) {
      int c = (int) ((i / inner) % channels);
      maxAbs[c] = Math.max(maxAbs[c], Math.abs(w[i]));
    }
    float[] scales = new float[channels];
    for (int k = 0; k < channels; k++) {
      // An all-zero channel quantizes to zeros with any scale; 1 keeps the dequantization finite.
      scales[k] = maxAbs[k] == 0 ? 1f : maxAbs[k] / qmax;
      if (minScale != null) {
        scales[k] = Math.max(scales[k], minScale[k]);
      }
    }
    byte[] q = new byte[w.length];
    for (int i = 0; i < w.length; i++) {
      long v = Math.round(Math.rint(w[i] / scales[(int) ((i / inner) % channels)]));
      q[i] = (byte) Math.max(-qmax, Math.min(qmax, v));
    }
    return new Symmetric(q, scales);
  }

  /** Asymmetric uint8 over the whole tensor; the range always includes 0 so zeros stay exact. */
  public static Asymmetric asymmetricUint8(float[] w) {
    float min = 0;
    float max = 0;
    for (float v : w) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    float scale = max > min ? (max - min) / 255f : 1f;
    int zp = (int) Math.max(0, Math.min(255, Math.round(-min / scale)));
    byte[] q = new byte[w.length];
    for (int i = 0; i < w.length; i++) {
      long v = Math.round(Math.rint(w[i] / scale)) + zp;
      q[i] = (byte) Math.max(0, Math.min(255, v));
    }
    return new Asymmetric(q, scale, zp);
  }
}
