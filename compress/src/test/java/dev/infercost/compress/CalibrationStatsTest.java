package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.compress.internal.Histogram;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Tensor;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The calibration methods on known distributions, and statistics reused without re-running. */
class CalibrationStatsTest {
  @Test
  void minMaxIsTheExtremesAndKeepsZeroInside() {
    Histogram h = new Histogram();
    h.add(new float[] {0.5f, 3f, 1.25f});
    h.add(new float[] {7.5f, 2f});
    assertArrayEquals(new float[] {0f, 7.5f}, h.minMax());
    h.add(new float[] {-2f});
    assertArrayEquals(new float[] {-2f, 7.5f}, h.minMax());
  }

  @Test
  void percentileOnAKnownHistogram() {
    // 1, 2, ..., 100000 in ten batches that widen the range as they come (the histogram doubles
    // its range and merges bins; nothing counted is lost).
    Histogram h = new Histogram();
    for (int b = 0; b < 10; b++) {
      float[] v = new float[10_000];
      for (int i = 0; i < v.length; i++) {
        v[i] = b * 10_000 + i + 1;
      }
      h.add(v);
    }
    assertEquals(100_000, h.count());
    // The bin width after the doublings: range 2^k · 10000 ≥ 100000 → 160000 / 2048.
    double width = 160_000.0 / Histogram.BINS;
    assertEquals(99_900, h.percentile(99.9)[1], width);
    assertEquals(90_000, h.percentile(90)[1], width);
    assertEquals(100_000, h.percentile(100)[1], 0);
    assertEquals(0, h.percentile(99.9)[0], 0, "no negative values: the low clip is 0");
    // Symmetric: the lower clip from the negative side.
    Histogram s = new Histogram();
    float[] v = new float[20_000];
    for (int i = 0; i < 10_000; i++) {
      v[i] = i + 1;
      v[10_000 + i] = -(i + 1);
    }
    s.add(v);
    float[] r = s.percentile(99);
    double w = 10_000.0 / Histogram.BINS;
    // 1% of each side's 10000 values beyond the clip: the 99th percentile of |x|.
    assertEquals(-9_900, r[0], w);
    assertEquals(9_900, r[1], w);
  }

  @Test
  void entropyAndMseClipAHeavyTailBelowItsMax() {
    Histogram h = new Histogram();
    Random r = new Random(7);
    for (int b = 0; b < 8; b++) {
      float[] v = new float[50_000];
      for (int i = 0; i < v.length; i++) {
        // Laplace(0, 1) and two far outliers among 400000 values: the case clipping exists for.
        double u = r.nextDouble() - 0.5;
        v[i] = (float) (-Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
      }
      if (b == 0) {
        v[0] = 60f;
        v[1] = -55f;
      }
      h.add(v);
    }
    float[] max = h.minMax();
    float[] kl = h.entropy();
    float[] mse = h.mse();
    assertTrue(kl[1] < 0.5 * max[1] && kl[0] > 0.5 * max[0], "entropy " + kl[0] + ", " + kl[1]);
    // MSE weighs the two outliers' clipping error against 400000 rounding errors: it clips less.
    assertTrue(mse[1] < 0.75 * max[1] && mse[0] > 0.75 * max[0], "mse " + mse[0] + ", " + mse[1]);
    // Still well past the bulk (|x| < 7 for all but ~0.1% of Laplace(0, 1)).
    assertTrue(kl[1] > 4 && mse[1] > 4, "entropy " + kl[1] + ", mse " + mse[1]);
  }

  @Test
  void entropyAndMseKeepTheMaxOfAUniformDistribution() {
    // Nothing to gain by clipping a uniform distribution.
    Histogram h = new Histogram();
    Random r = new Random(3);
    float[] v = new float[200_000];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextFloat() * 4f;
    }
    h.add(v);
    assertEquals(h.max(), h.entropy()[1], 0.02f * h.max());
    assertEquals(h.max(), h.mse()[1], 0.02f * h.max());
    assertEquals(0, h.entropy()[0], 0);
  }

  @Test
  void oneCalibrationServesEveryMethodWithoutRunningTheModelAgain() throws Exception {
    OnnxModel m = OnnxModel.of(CpuQdqPassTest.cnn());
    List<List<Tensor>> data = CpuQdqPassTest.batches(6, 500);
    AtomicInteger served = new AtomicInteger();
    Iterable<List<Tensor>> counting =
        () ->
            new Iterator<>() {
              private final Iterator<List<Tensor>> it = data.iterator();

              @Override
              public boolean hasNext() {
                return it.hasNext();
              }

              @Override
              public List<Tensor> next() {
                served.incrementAndGet();
                return it.next();
              }
            };
    CalibrationStats stats = Compressor.calibrate(m, counting);
    assertEquals(6, served.get());
    assertEquals(6, stats.batches());
    float[] previous = null;
    for (CalibrationMethod method : CalibrationMethod.values()) {
      CompressResult r =
          Compressor.quantizeStaticCpu(m, StaticOptions.defaults().withMethod(method), stats);
      assertEquals(
          method.name().toLowerCase(java.util.Locale.ROOT), r.options().get("calibration_method"));
      float[] range = stats.range("a", method, StaticOptions.DEFAULT_PERCENTILE).orElseThrow();
      if (previous != null && method != CalibrationMethod.PERCENTILE) {
        assertNotEquals(previous[1], range[1], method + " picked the same clip as the last");
      }
      previous = range;
    }
    assertEquals(6, served.get(), "no batch was read again");
    // Every observed tensor saw every value of every batch: 6 batches × 2 × 3 × 8 × 8 inputs.
    assertEquals(6L * 2 * 3 * 64, stats.count("x"));
  }

  @Test
  void statsFromAnotherModelAreRefused() throws Exception {
    OnnxModel m = OnnxModel.of(CpuQdqPassTest.cnn());
    CalibrationStats stats = Compressor.calibrate(m, CpuQdqPassTest.batches(2, 1));
    OnnxModel other = OnnxModel.of(Tiny.matmul(8, 4, 1));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Compressor.quantizeStaticCpu(other, StaticOptions.defaults(), stats));
    assertTrue(e.getMessage().contains("another model"), e.getMessage());
    CompressException none =
        assertThrows(CompressException.class, () -> Compressor.calibrate(m, List.of()));
    assertTrue(none.getMessage().contains("calibration data"), none.getMessage());
  }
}
