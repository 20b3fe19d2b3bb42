package dev.infercost.gate;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Medians and the bootstrap of a ratio of medians; no state, deterministic for a given seed. */
final class Stats {
  private Stats() {}

  static double[] array(List<Double> values) {
    double[] a = new double[values.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = values.get(i);
    }
    return a;
  }

  static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /** Linear-interpolated quantile of sorted data (type 7, numpy's default). */
  static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int i = (int) Math.floor(pos);
    int j = Math.min(sorted.length - 1, i + 1);
    if (sorted[i] == sorted[j] || pos == i) {
      return sorted[i]; // also keeps infinite values from turning into NaN
    }
    return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
  }

  /** {@code num / den} with 0/0 = 1 and x/0 = +∞: equal zeros are no change. */
  static double ratio(double num, double den) {
    if (den == 0) {
      return num == 0 ? 1 : Double.POSITIVE_INFINITY;
    }
    return num / den;
  }

  /**
   * Median of one bootstrap resample (n draws with replacement) of {@code sorted}, in O(n): draws
   * are counted per index and the middle rank is found by a cumulative walk, since a resample's
   * order statistics are the sorted values at the drawn indices in order.
   */
  static final class Resampler {
    private final double[] sorted;
    private final int[] counts;

    Resampler(double[] values) {
      this.sorted = values.clone();
      Arrays.sort(sorted);
      this.counts = new int[sorted.length];
    }

    double median(Random random) {
      int n = sorted.length;
      Arrays.fill(counts, 0);
      for (int i = 0; i < n; i++) {
        counts[random.nextInt(n)]++;
      }
      int lo = (n - 1) / 2;
      int hi = n / 2;
      double atLo = Double.NaN;
      int seen = 0;
      for (int i = 0; i < n; i++) {
        seen += counts[i];
        if (Double.isNaN(atLo) && seen > lo) {
          atLo = sorted[i];
        }
        if (seen > hi) {
          return (atLo + sorted[i]) / 2;
        }
      }
      throw new AssertionError("unreachable: counts sum to n");
    }
  }
}
