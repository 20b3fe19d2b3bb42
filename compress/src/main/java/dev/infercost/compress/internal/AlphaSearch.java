package dev.infercost.compress.internal;

import java.util.List;

/**
 * Picks a SmoothQuant strength per activation by simulating the int8 MatMul on calibration rows:
 * each candidate α's squared output error against the float product, under the same arithmetic the
 * runtime uses (per-batch asymmetric uint8 activations, symmetric int8 weights per column). α = 0
 * (no migration) is always a candidate, so smoothing never makes a layer worse on the samples.
 */
public final class AlphaSearch {
  /** Candidate strengths; 0 means no smoothing. */
  static final double[] CANDIDATES = {0, 0.5, 0.7, 0.85, 1.0};

  /**
   * Output columns the error is measured on. Weight columns are quantized independently, so an
   * evenly spaced subset estimates the whole error at a fraction of the cost.
   */
  static final int SAMPLE_COLUMNS = 128;

  private AlphaSearch() {}

  /**
   * The search's outcome.
   *
   * @param alpha the strength with the least simulated error (0: no smoothing)
   * @param error its squared output error on the samples
   * @param unsmoothedError the error without smoothing
   */
  public record Choice(double alpha, double error, double unsmoothedError) {
    /** How many times smaller the error is than without smoothing (1 when α = 0). */
    public double gain() {
      return error == 0
          ? (unsmoothedError == 0 ? 1 : Double.POSITIVE_INFINITY)
          : unsmoothedError / error;
    }
  }

  /**
   * The best α for activation samples {@code batches} (each {@code rows × k}) feeding weight {@code
   * w} ({@code k × n}, row-major; several MatMuls concatenated by column).
   */
  public static Choice best(
      List<float[]> batches, float[] xMax, float[] w, int k, int n, int qmax, boolean perColumn) {
    float[] wMax = rowMax(w, k, n);
    float[] ws = n > SAMPLE_COLUMNS ? columns(w, k, n, SAMPLE_COLUMNS) : w;
    int m = Math.min(n, SAMPLE_COLUMNS);
    float[] wT = transpose(ws, k, m);
    List<float[]> reference = batches.stream().map(x -> product(x, wT, k, m)).toList();
    double bestErr = Double.POSITIVE_INFINITY;
    double best = 0;
    double unsmoothed = 0;
    for (double alpha : CANDIDATES) {
      float[] s = scales(xMax, wMax, alpha);
      double err = error(batches, reference, s, ws, k, m, qmax, perColumn);
      if (alpha == 0) {
        unsmoothed = err;
      }
      if (err < bestErr) {
        bestErr = err;
        best = alpha;
      }
    }
    return new Choice(best, bestErr, unsmoothed);
  }

  /** Max |w| of each of the {@code k} rows. */
  static float[] rowMax(float[] w, int k, int n) {
    float[] m = new float[k];
    for (int r = 0; r < k; r++) {
      for (int c = 0; c < n; c++) {
        m[r] = Math.max(m[r], Math.abs(w[r * n + c]));
      }
    }
    return m;
  }

  /** {@code s_j = max|X_j|^α / max|W_j|^(1-α)}; 1 where either is 0, and everywhere for α = 0. */
  public static float[] scales(float[] xMax, float[] wMax, double alpha) {
    float[] s = new float[xMax.length];
    for (int j = 0; j < s.length; j++) {
      s[j] =
          alpha == 0 || xMax[j] <= 0 || wMax[j] <= 0
              ? 1f
              : (float) Math.max(1e-5, Math.pow(xMax[j], alpha) / Math.pow(wMax[j], 1 - alpha));
    }
    return s;
  }

  private static double error(
      List<float[]> batches,
      List<float[]> reference,
      float[] s,
      float[] w,
      int k,
      int n,
      int qmax,
      boolean perColumn) {
    float[] ws = new float[w.length];
    for (int r = 0; r < k; r++) {
      for (int c = 0; c < n; c++) {
        ws[r * n + c] = w[r * n + c] * s[r];
      }
    }
    WeightQuantizer.Symmetric q = WeightQuantizer.symmetric(ws, k, n, qmax, perColumn);
    float[] wq = new float[w.length];
    for (int r = 0; r < k; r++) {
      for (int c = 0; c < n; c++) {
        wq[r * n + c] = q.values()[r * n + c] * q.scales()[perColumn ? c : 0];
      }
    }
    float[] wqT = transpose(wq, k, n);
    double err = 0;
    for (int b = 0; b < batches.size(); b++) {
      float[] x = batches.get(b);
      float lo = 0;
      float hi = 0;
      float[] xs = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        xs[i] = x[i] / s[i % k];
        lo = Math.min(lo, xs[i]);
        hi = Math.max(hi, xs[i]);
      }
      // DynamicQuantizeLinear: uint8, range widened to include 0, round half to even.
      float scale = hi > lo ? (hi - lo) / 255f : 1f;
      int zp = Math.max(0, Math.min(255, (int) Math.rint(-lo / scale)));
      for (int i = 0; i < xs.length; i++) {
        int v = Math.max(0, Math.min(255, (int) Math.rint(xs[i] / scale) + zp));
        xs[i] = (v - zp) * scale;
      }
      float[] got = product(xs, wqT, k, n);
      float[] ref = reference.get(b);
      for (int i = 0; i < got.length; i++) {
        double d = ref[i] - got[i];
        err += d * d;
      }
    }
    return err;
  }

  /** {@code x (rows × k) · W} with W given transposed ({@code n × k}). */
  private static float[] product(float[] x, float[] wT, int k, int n) {
    int rows = x.length / k;
    float[] y = new float[rows * n];
    for (int r = 0; r < rows; r++) {
      int xo = r * k;
      for (int c = 0; c < n; c++) {
        int wo = c * k;
        // Four independent sums let the CPU overlap the multiply-adds (Java may not reorder a
        // single float sum).
        float a0 = 0;
        float a1 = 0;
        float a2 = 0;
        float a3 = 0;
        int j = 0;
        for (; j + 3 < k; j += 4) {
          a0 += x[xo + j] * wT[wo + j];
          a1 += x[xo + j + 1] * wT[wo + j + 1];
          a2 += x[xo + j + 2] * wT[wo + j + 2];
          a3 += x[xo + j + 3] * wT[wo + j + 3];
        }
        for (; j < k; j++) {
          a0 += x[xo + j] * wT[wo + j];
        }
        y[r * n + c] = (a0 + a1) + (a2 + a3);
      }
    }
    return y;
  }

  /** {@code m} evenly spaced columns of a {@code k × n} matrix. */
  private static float[] columns(float[] w, int k, int n, int m) {
    float[] out = new float[k * m];
    for (int r = 0; r < k; r++) {
      for (int c = 0; c < m; c++) {
        out[r * m + c] = w[r * n + (int) ((long) c * n / m)];
      }
    }
    return out;
  }

  private static float[] transpose(float[] w, int k, int n) {
    float[] t = new float[w.length];
    for (int r = 0; r < k; r++) {
      for (int c = 0; c < n; c++) {
        t[c * k + r] = w[r * n + c];
      }
    }
    return t;
  }
}
