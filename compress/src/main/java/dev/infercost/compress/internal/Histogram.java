package dev.infercost.compress.internal;

import java.nio.FloatBuffer;

/**
 * The calibration statistics of one tensor in bounded memory: exact min and max, the count of exact
 * zeros, and two one-sided histograms of {@value #BINS} bins each, one over the positive values
 * ({@code [0, positiveRange]}) and one over the magnitudes of the negative values. A side's range
 * is set by the first batch that has values there and doubles (merging bin pairs, which loses
 * nothing already counted) whenever a later batch exceeds it, so the memory stays the same however
 * many batches are added. Two sides rather than one symmetric histogram keep every bin useful for
 * the one-sided tensors (after Relu) that most CNN activations are.
 *
 * <p>The clip ranges a calibration method picks come from here: {@link #minMax}, {@link
 * #percentile}, {@link #entropy} and {@link #mse}; each returns {@code {lo, hi}} with {@code lo ≤ 0
 * ≤ hi} (the quantized range must hold zero exactly), and a side without values clips at 0.
 */
public final class Histogram {
  /** Bins per side: TensorRT's histogram calibrators use 2048 too. */
  public static final int BINS = 2048;

  /** uint8 levels: what the clip range is divided into. */
  static final int LEVELS = 255;

  /** Candidate clips the MSE search scores: max × k / {@value #MSE_STEPS}, k = 1 .. steps. */
  private static final int MSE_STEPS = 200;

  private final Side positive = new Side();
  private final Side negative = new Side();
  private float min = Float.POSITIVE_INFINITY;
  private float max = Float.NEGATIVE_INFINITY;
  private long zeros;
  private long count;

  /** Adds every value of {@code values} (from its position to its limit). */
  public void add(FloatBuffer values) {
    float posMax = 0;
    float negMax = 0;
    for (int i = values.position(); i < values.limit(); i++) {
      float v = values.get(i);
      if (Float.isNaN(v)) {
        continue;
      }
      min = Math.min(min, v);
      max = Math.max(max, v);
      posMax = Math.max(posMax, v);
      negMax = Math.max(negMax, -v);
    }
    positive.cover(posMax);
    negative.cover(negMax);
    for (int i = values.position(); i < values.limit(); i++) {
      float v = values.get(i);
      if (Float.isNaN(v)) {
        continue;
      }
      count++;
      if (v == 0) {
        zeros++;
      } else if (v > 0) {
        positive.add(v);
      } else {
        negative.add(-v);
      }
    }
  }

  /** Adds {@code values}. */
  public void add(float[] values) {
    add(FloatBuffer.wrap(values));
  }

  /** How many values were added (NaNs not counted). */
  public long count() {
    return count;
  }

  /** The smallest value seen, or 0 when none. */
  public float min() {
    return count == 0 ? 0 : min;
  }

  /** The largest value seen, or 0 when none. */
  public float max() {
    return count == 0 ? 0 : max;
  }

  /** MinMax: the smallest and largest values seen. */
  public float[] minMax() {
    return new float[] {Math.min(0, min()), Math.max(0, max())};
  }

  /**
   * Percentile: on each side of zero, the p-th percentile of that side's magnitudes (zeros count
   * with the positive side): the smallest clip that leaves at most {@code (100 - p)}% of the side's
   * values beyond it, taken at the upper edge of the bin where that happens and never beyond the
   * side's max. On a symmetric distribution this is the p-th percentile of |x|, ONNX Runtime's
   * {@code Percentile} calibration; on a one-sided one (after Relu) all of it goes to that side.
   */
  public float[] percentile(double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
    }
    double share = (100 - p) / 100;
    return new float[] {
      -negative.quantile(negative.total() * share, Math.max(0, -min())),
      positive.quantile((positive.total() + zeros) * share, Math.max(0, max()))
    };
  }

  /**
   * Entropy: on each side the clip that minimizes the KL divergence between the side's histogram
   * and its quantized version, TensorRT's calibration (also ONNX Runtime's {@code Entropy}). A side
   * gets all the uint8 levels when the other is empty (after Relu), half of them otherwise.
   */
  public float[] entropy() {
    boolean oneSided = negative.total() == 0 || positive.total() == 0;
    int levels = oneSided ? LEVELS + 1 : (LEVELS + 1) / 2;
    return new float[] {
      -negative.klClip(levels, zeros, Math.max(0, -min())),
      positive.klClip(levels, zeros, Math.max(0, max()))
    };
  }

  /**
   * MSE: the clip range {@code [min·f, max·f]} (f on a grid of {@value #MSE_STEPS} steps up to 1)
   * whose uint8 quantization gives the smallest squared error over the histogram, values taken at
   * their bin centres (exact zeros are exact in every candidate), as TensorRT's MSE calibrator
   * does.
   */
  public float[] mse() {
    float[] full = minMax();
    if (count == 0 || full[1] - full[0] == 0) {
      return full;
    }
    float[] best = full;
    double bestError = Double.MAX_VALUE;
    for (int k = MSE_STEPS; k >= 1; k--) {
      float f = (float) k / MSE_STEPS;
      float lo = full[0] * f;
      float hi = full[1] * f;
      float[] qp = uint8(lo, hi);
      double error = positive.error(qp[0], qp[1], 1) + negative.error(qp[0], qp[1], -1);
      if (error < bestError) {
        bestError = error;
        best = new float[] {lo, hi};
      }
    }
    return best;
  }

  /**
   * Asymmetric uint8 parameters of the clip range {@code [lo, hi]} (which must hold 0): {@code
   * {scale, zeroPoint}}, with scale 1 for an all-zero range, as ONNX Runtime's quantizer does.
   */
  public static float[] uint8(float lo, float hi) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
    float scale = (hi - lo) / LEVELS;
    if (!(scale > 0) || !Float.isFinite(scale)) {
      return new float[] {1f, 0};
    }
    long zp = Math.round(-lo / scale);
    return new float[] {scale, Math.max(0, Math.min(LEVELS, zp))};
  }

  /** One side: counts of |x| over {@code [0, range]} in {@value #BINS} equal bins. */
  private static final class Side {
    private final long[] bins = new long[BINS];
    private float range;

    /** Widens the range (by doubling, merging bin pairs) until it covers {@code m}. */
    void cover(float m) {
      if (!(m > 0) || !Float.isFinite(m)) {
        return;
      }
      if (range == 0) {
        range = m;
        return;
      }
      while (range < m) {
        for (int i = 0; i < BINS / 2; i++) {
          bins[i] = bins[2 * i] + bins[2 * i + 1];
        }
        java.util.Arrays.fill(bins, BINS / 2, BINS, 0);
        range *= 2;
      }
    }

    void add(float m) {
      if (!Float.isFinite(m)) {
        return;
      }
      int b = (int) (m / range * BINS);
      bins[Math.min(BINS - 1, Math.max(0, b))]++;
    }

    long total() {
      long t = 0;
      for (long c : bins) {
        t += c;
      }
      return t;
    }

    double width() {
      return (double) range / BINS;
    }

    /** The upper edge of the bin where more than {@code tail} values lie beyond; ≤ {@code max}. */
    float quantile(double tail, float max) {
      long beyond = 0;
      for (int i = BINS - 1; i >= 0; i--) {
        beyond += bins[i];
        if (beyond > tail) {
          return (float) Math.min(max, (i + 1) * width());
        }
      }
      return 0;
    }

    /**
     * TensorRT's entropy calibration over this side: for each candidate clip at bin {@code i ≥
     * levels}, P is the first {@code i} bins with everything beyond folded into the last, Q is P's
     * first {@code i} bins merged into {@code levels} groups and spread back evenly over each
     * group's non-empty bins; the clip is the upper edge of the {@code i} minimizing KL(P‖Q).
     */
    float klClip(int levels, long zeros, float max) {
      long total = total();
      if (total == 0) {
        return 0;
      }
      long[] h = bins.clone();
      h[0] += zeros;
      int last = BINS - 1;
      while (last > 0 && h[last] == 0) {
        last--;
      }
      if (last + 1 <= levels) {
        return max;
      }
      double bestKl = Double.MAX_VALUE;
      int best = last + 1;
      double[] p = new double[BINS];
      double[] q = new double[BINS];
      long suffix = 0;
      long[] after = new long[BINS + 1];
      for (int i = BINS - 1; i >= 0; i--) {
        suffix += h[i];
        after[i] = suffix;
      }
      for (int i = levels; i <= last + 1; i++) {
        for (int j = 0; j < i; j++) {
          p[j] = h[j];
        }
        p[i - 1] += after[i];
        // Q: merge h[0..i) into `levels` groups, spread each group's sum over its non-empty bins.
        double binsPerLevel = (double) i / levels;
        for (int g = 0; g < levels; g++) {
          int start = (int) Math.floor(g * binsPerLevel);
          int end = g == levels - 1 ? i : (int) Math.floor((g + 1) * binsPerLevel);
          double sum = 0;
          int nonEmpty = 0;
          for (int j = start; j < end; j++) {
            sum += h[j];
            nonEmpty += h[j] != 0 ? 1 : 0;
          }
          for (int j = start; j < end; j++) {
            q[j] = h[j] == 0 || nonEmpty == 0 ? 0 : sum / nonEmpty;
          }
        }
        double kl = kl(p, q, i);
        if (kl < bestKl) {
          bestKl = kl;
          best = i;
        }
      }
      return (float) Math.min(max, best * width());
    }

    /** KL(P‖Q) of the first {@code n} entries, each normalized to sum 1; ∞ where Q misses P. */
    private static double kl(double[] p, double[] q, int n) {
      double ps = 0;
      double qs = 0;
      for (int j = 0; j < n; j++) {
        ps += p[j];
        qs += q[j];
      }
      if (ps == 0 || qs == 0) {
        return Double.MAX_VALUE;
      }
      double d = 0;
      for (int j = 0; j < n; j++) {
        if (p[j] == 0) {
          continue;
        }
        if (q[j] == 0) {
          return Double.MAX_VALUE;
        }
        double pj = p[j] / ps;
        d += pj * Math.log(pj / (q[j] / qs));
      }
      return d;
    }

    /**
     * Squared error of quantizing this side's values (at their bin centres, times {@code sign})
     * with uint8 {@code scale} and {@code zp}.
     */
    double error(float scale, float zp, int sign) {
      double e = 0;
      double w = width();
      for (int i = 0; i < BINS; i++) {
        if (bins[i] == 0) {
          continue;
        }
        double x = sign * (i + 0.5) * w;
        double q = Math.max(0, Math.min(LEVELS, Math.rint(x / scale) + zp));
        double d = x - (q - zp) * scale;
        e += bins[i] * d * d;
      }
      return e;
    }
  }
}
