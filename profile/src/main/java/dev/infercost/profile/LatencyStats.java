package dev.infercost.profile;

import java.util.Arrays;

/**
 * Summary of latency samples in milliseconds.
 *
 * <p>The 95% confidence interval of the median is distribution-free: the order statistics at ranks
 * {@code n/2 ∓ 1.96·√n/2} (binomial with p = ½), so it holds for skewed, long-tailed timing data.
 * {@code noisy} is set when that interval is wider than {@value #NOISY_CI} of the median or p90 is
 * more than {@value #NOISY_TAIL}× p50: such numbers should not be compared to 5%.
 *
 * @param samples sample count
 * @param p50 median
 * @param ciLow lower end of the 95% confidence interval of the median
 * @param ciHigh upper end of the 95% confidence interval of the median
 */
public record LatencyStats(
    int samples,
    double p50,
    double p90,
    double p99,
    double mean,
    double stdev,
    double min,
    double max,
    double ciLow,
    double ciHigh,
    boolean noisy) {

  /** Relative width of the median's confidence interval above which results are noisy. */
  public static final double NOISY_CI = 0.05;

  /** p90 / p50 above which results are noisy. */
  public static final double NOISY_TAIL = 1.5;

  public LatencyStats {
    if (samples < 1) {
      throw new IllegalArgumentException("no samples");
    }
  }

  /** Summarizes {@code samplesMs} (not modified). */
  public static LatencyStats of(double[] samplesMs) {
    if (samplesMs.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    double[] s = samplesMs.clone();
    Arrays.sort(s);
    int n = s.length;
    double mean = 0;
    for (double v : s) {
      mean += v;
    }
    mean /= n;
    double var = 0;
    for (double v : s) {
      var += (v - mean) * (v - mean);
    }
    double stdev = n > 1 ? Math.sqrt(var / (n - 1)) : 0;
    double half = 1.96 * Math.sqrt(n) / 2;
    int lo = Math.max(0, (int) Math.floor(n / 2.0 - half) - 1);
    int hi = Math.min(n - 1, (int) Math.ceil(n / 2.0 + half));
    double p50 = quantile(s, 0.5);
    double p90 = quantile(s, 0.9);
    boolean noisy = (s[hi] - s[lo]) / p50 > NOISY_CI || p90 / p50 > NOISY_TAIL || n < 10;
    return new LatencyStats(
        n, p50, p90, quantile(s, 0.99), mean, stdev, s[0], s[n - 1], s[lo], s[hi], noisy);
  }

  /** Linear-interpolated quantile of sorted data (type 7, as numpy's default). */
  static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int i = (int) Math.floor(pos);
    int j = Math.min(sorted.length - 1, i + 1);
    return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
  }
}
