package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link LatencyStats}: exact quantiles, the median's confidence interval and the noisy flag. */
class LatencyStatsTest {
  private static final double EXACT = 1e-9;

  private static double[] oneTo(int n) {
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      s[i] = i + 1;
    }
    return s;
  }

  /** numpy.quantile(..., method="linear") written out independently. */
  private static double numpyLinear(double[] data, double q) {
    double[] s = data.clone();
    Arrays.sort(s);
    double h = (s.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = (int) Math.ceil(h);
    return s[lo] + (h - lo) * (s[hi] - s[lo]);
  }

  @Test
  void oneToHundred() {
    LatencyStats s = LatencyStats.of(oneTo(100));
    assertEquals(100, s.samples());
    assertEquals(50.5, s.p50(), EXACT);
    assertEquals(90.1, s.p90(), EXACT);
    assertEquals(99.01, s.p99(), EXACT);
    assertEquals(1, s.min(), EXACT);
    assertEquals(100, s.max(), EXACT);
    assertEquals(50.5, s.mean(), EXACT);
    // sample stdev of 1..n = sqrt(n(n+1)/12)
    assertEquals(Math.sqrt(100.0 * 101 / 12), s.stdev(), EXACT);
    // ranks n/2 ∓ 1.96·√n/2 = 40.2 / 60.8 → the 40th and 61st order statistics
    assertEquals(40, s.ciLow(), EXACT);
    assertEquals(61, s.ciHigh(), EXACT);
  }

  @Test
  void oddCount() {
    LatencyStats s = LatencyStats.of(new double[] {5, 1, 4, 2, 3});
    assertEquals(3, s.p50(), EXACT);
    assertEquals(4.6, s.p90(), EXACT);
    assertEquals(4.96, s.p99(), EXACT);
    assertEquals(3, s.mean(), EXACT);
    assertEquals(Math.sqrt(2.5), s.stdev(), EXACT);
  }

  @Test
  void singleSample() {
    LatencyStats s = LatencyStats.of(new double[] {2.5});
    assertEquals(1, s.samples());
    assertEquals(2.5, s.p50(), EXACT);
    assertEquals(2.5, s.p99(), EXACT);
    assertEquals(0, s.stdev(), EXACT);
    assertEquals(2.5, s.ciLow(), EXACT);
    assertEquals(2.5, s.ciHigh(), EXACT);
    assertTrue(s.noisy(), "fewer than 10 samples are noisy");
  }

  @Test
  void quantilesMatchNumpyOnRandomData() {
    Random r = new Random(7);
    for (int n : new int[] {2, 3, 10, 37, 1000}) {
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = Math.exp(r.nextGaussian());
      }
      LatencyStats s = LatencyStats.of(x);
      assertEquals(numpyLinear(x, 0.5), s.p50(), EXACT, "n=" + n);
      assertEquals(numpyLinear(x, 0.9), s.p90(), EXACT, "n=" + n);
      assertEquals(numpyLinear(x, 0.99), s.p99(), EXACT, "n=" + n);
    }
  }

  @Test
  void inputIsNotModified() {
    double[] x = {3, 1, 2};
    LatencyStats.of(x);
    assertArrayEquals(new double[] {3, 1, 2}, x, 0);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 9, 10, 11, 30, 99, 100, 101, 1000, 5001})
  void ciBracketsTheMedian(int n) {
    Random r = new Random(n);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 1 + r.nextDouble();
    }
    LatencyStats s = LatencyStats.of(x);
    assertTrue(s.ciLow() <= s.p50() && s.p50() <= s.ciHigh(), s.toString());
    assertTrue(s.min() <= s.ciLow() && s.ciHigh() <= s.max(), s.toString());
  }

  @Test
  void ciNarrowsWithMoreSamples() {
    double previous = Double.POSITIVE_INFINITY;
    for (int n : new int[] {20, 200, 2000, 20000}) {
      // Evenly spaced over [10, 11): the same distribution at every n.
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = 10 + (double) i / n;
      }
      LatencyStats s = LatencyStats.of(x);
      double width = s.ciHigh() - s.ciLow();
      assertTrue(width < previous, "n=" + n + " width " + width + " >= " + previous);
      previous = width;
    }
    assertTrue(previous < 0.02, "width at n=20000: " + previous);
  }

  @Test
  void ciCoversTheTrueMedianAbout95PercentOfTheTime() {
    // Exponential(1): median ln 2. Seeded, so the count is deterministic.
    Random r = new Random(2024);
    int trials = 4000;
    int covered = 0;
    for (int t = 0; t < trials; t++) {
      double[] x = new double[50];
      for (int i = 0; i < x.length; i++) {
        x[i] = -Math.log(1 - r.nextDouble());
      }
      LatencyStats s = LatencyStats.of(x);
      if (s.ciLow() <= Math.log(2) && Math.log(2) <= s.ciHigh()) {
        covered++;
      }
    }
    double coverage = (double) covered / trials;
    assertTrue(coverage >= 0.93 && coverage <= 0.99, "coverage " + coverage);
  }

  @Test
  void bimodalSampleIsNoisy() {
    double[] x = new double[200];
    for (int i = 0; i < x.length; i++) {
      x[i] = i % 2 == 0 ? 1.0 : 10.0;
    }
    assertTrue(LatencyStats.of(x).noisy());
  }

  @Test
  void longTailIsNoisyEvenWithATightMedian() {
    double[] x = new double[1000];
    for (int i = 0; i < x.length; i++) {
      x[i] = i < 850 ? 1.0 : 2.0;
    }
    LatencyStats s = LatencyStats.of(x);
    assertEquals(0, s.ciHigh() - s.ciLow(), EXACT);
    assertEquals(2.0, s.p90() / s.p50(), EXACT);
    assertTrue(s.noisy());
  }

  @Test
  void tightSampleIsNotNoisy() {
    Random r = new Random(3);
    double[] x = new double[1000];
    for (int i = 0; i < x.length; i++) {
      x[i] = 10 + r.nextDouble() * 0.1;
    }
    LatencyStats s = LatencyStats.of(x);
    assertFalse(s.noisy(), s.toString());
    assertTrue((s.ciHigh() - s.ciLow()) / s.p50() < LatencyStats.NOISY_CI);
  }

  @Test
  void fewSamplesAreNoisyEvenIfIdentical() {
    double[] x = new double[9];
    Arrays.fill(x, 5);
    assertTrue(LatencyStats.of(x).noisy());
    double[] y = new double[10];
    Arrays.fill(y, 5);
    assertFalse(LatencyStats.of(y).noisy());
  }

  @Test
  void noSamplesIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> LatencyStats.of(new double[0]));
    assertThrows(
        IllegalArgumentException.class,
        () -> new LatencyStats(0, 1, 1, 1, 1, 0, 1, 1, 1, 1, false));
  }
}
