package dev.infercost.compress.internal;

/** Weight quantization arithmetic: symmetric int8 (per column or per tensor), asymmetric uint8. */
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
    float[] maxAbs = new float[perColumn ? cols : 1];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int k = perColumn ? c : 0;
        maxAbs[k] = Math.max(maxAbs[k], Math.abs(w[r * cols + c]));
      }
    }
    float[] scales = new float[maxAbs.length];
    for (int k = 0; k < scales.length; k++) {
      // An all-zero column quantizes to zeros with any scale; 1 keeps the dequantization finite.
      scales[k] = maxAbs[k] == 0 ? 1f : maxAbs[k] / qmax;
    }
    byte[] q = new byte[w.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int i = r * cols + c;
        long v = Math.round(Math.rint(w[i] / scales[perColumn ? c : 0]));
        q[i] = (byte) Math.max(-qmax, Math.min(qmax, v));
      }
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
