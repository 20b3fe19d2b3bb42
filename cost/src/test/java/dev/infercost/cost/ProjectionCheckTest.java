package dev.infercost.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.cost.Projection.Scaling;
import dev.infercost.cost.Projection.ScalingSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProjectionCheckTest {
  @Test
  void mapeIsTheMeanAbsolutePercentageError() {
    assertEquals(20, ProjectionCheck.mape(List.of(10.0, -30.0, 20.0)), 1e-12);
    assertTrue(Double.isNaN(ProjectionCheck.mape(List.of())));
  }

  @Test
  void uncalibratedPairsUseTheDefaultsAndEachKindIsCalibratedOnItsOwn() {
    // 2 cores, no SMT. T1 = 100: 2 threads measured 150, 2 streams 190; T1 = 50: 2 threads 80.
    List<ScalingSample> s =
        List.of(
            new ScalingSample("a, 2 threads", false, 2, 1, 100, 2, 150),
            new ScalingSample("a, 2 streams", true, 2, 1, 100, 2, 190),
            new ScalingSample("b, 2 threads", false, 2, 1, 50, 2, 80));
    ProjectionCheck plain = ProjectionCheck.of(s, false).orElseThrow();
    // Linear scaling: 2 x T1.
    assertEquals(200, plain.pairs().get(0).projected(), 1e-9);
    assertEquals(50 / 150.0 * 100, plain.pairs().get(0).errorPercent(), 1e-9);
    assertEquals(200, plain.pairs().get(1).projected(), 1e-9);
    assertEquals(100, plain.pairs().get(2).projected(), 1e-9);
    double mape = (50 / 150.0 + 10 / 190.0 + 20 / 80.0) * 100 / 3;
    assertEquals(mape, plain.mapePercent(), 1e-9);
    assertNull(plain.calibratedThreads());
    assertNull(plain.calibratedMapePercent());
    assertNull(plain.pairs().get(0).calibratedProjected());

    ProjectionCheck cal = ProjectionCheck.of(s, true).orElseThrow();
    // The one stream pair is fitted exactly: 190 = 100 x S(2) → s = 2/1.9 - 1.
    assertEquals(2 / 1.9 - 1, cal.calibratedStreams().serialFraction(), 1e-4);
    assertEquals(190, cal.pairs().get(1).calibratedProjected(), 1e-2);
    // The two thread pairs (speed-ups 1.5 and 1.6) share one serial fraction between theirs.
    double s1 = 2 / 1.5 - 1;
    double s2 = 2 / 1.6 - 1;
    double st = cal.calibratedThreads().serialFraction();
    assertTrue(st >= s2 - 1e-4 && st <= s1 + 1e-4, "serial fraction " + st);
    assertTrue(cal.calibratedMapePercent() < cal.mapePercent());
    assertEquals(
        ProjectionCheck.mape(
            cal.pairs().stream().map(ProjectionCheck.Pair::calibratedErrorPercent).toList()),
        cal.calibratedMapePercent(),
        1e-9);
    assertTrue(ProjectionCheck.of(List.of(), true).isEmpty());
  }

  @Test
  void calibratedSerialFractionCarriesItsRangeOverThePairsAndIsUsedOnlyWhenNarrow() {
    // 2 cores, no SMT; speed-ups 1.5 and 1.6 give s = 1/3 and 1/4 each: 0.083 wide, used.
    List<ScalingSample> narrow =
        List.of(
            new ScalingSample("a, 2 threads", false, 2, 1, 100, 2, 150),
            new ScalingSample("b, 2 threads", false, 2, 1, 50, 2, 80));
    ProjectionCheck ok = ProjectionCheck.of(narrow, true).orElseThrow();
    Scaling t = ok.calibratedThreads();
    assertEquals(0.25, t.serialFractionRange().low(), 1e-9);
    assertEquals(1 / 3.0, t.serialFractionRange().high(), 1e-9);
    assertTrue(t.stable());
    assertEquals(t, ok.usable(false).orElseThrow());
    assertTrue(ok.usable(true).isEmpty(), "no stream pairs, nothing calibrated");

    // A third pair at speed-up 1.9 (s = 0.053): the pairs now disagree by 0.28, not used.
    List<ScalingSample> wide = new ArrayList<>(narrow);
    wide.add(new ScalingSample("c, 2 threads", false, 2, 1, 100, 2, 190));
    ProjectionCheck no = ProjectionCheck.of(wide, true).orElseThrow();
    Scaling u = no.calibratedThreads();
    assertEquals(2 / 1.9 - 1, u.serialFractionRange().low(), 1e-9);
    assertEquals(1 / 3.0, u.serialFractionRange().high(), 1e-9);
    assertFalse(u.stable());
    assertTrue(no.usable(false).isEmpty());
    assertTrue(u.how().contains("not used"), u.how());
    // Unused, the error spread is the defaults' largest error: 2 x 100 vs 150, +33%.
    assertEquals(1 + 50 / 150.0, no.errorSpread(false).high(), 1e-9);
    assertTrue(no.errorSpread(false).source().contains("default"));
    // Used, the calibrated errors (in sample) are the spread.
    double calibrated =
        ok.pairs().stream()
            .mapToDouble(p -> Math.abs(p.calibratedErrorPercent()) / 100)
            .max()
            .orElseThrow();
    assertEquals(1 + calibrated, ok.errorSpread(false).high(), 1e-9);
    assertTrue(ok.errorSpread(false).source().contains("calibrated"));
  }

  @Test
  void serialFractionFittedToOneAndNThreadsSpreadsWithTheMeasurements() {
    // 2 cores: s = 2/S - 1. S = 1.8 measured within ±5.6% each way on T1 and T2.
    Projection.CpuHost h = new Projection.CpuHost("h", 100, 2, 1, 100, 2, 180);
    Spread r = Spread.runToRun("test");
    Range s = h.serialFractionRange(r, r);
    double f = 1 + Spread.RUN_TO_RUN;
    assertEquals(Math.max(0, 2 / (1.8 * f * f) - 1), s.low(), 1e-12);
    assertEquals(2 / (1.8 / (f * f)) - 1, s.high(), 1e-12);
    assertTrue(s.contains(h.serialFraction()));
    // On 2 cores the run-to-run spread alone allows s from 0 to 0.24: too wide to extrapolate.
    assertFalse(Projection.stable(s));
    // Measured at one thread there is nothing fitted, so nothing spreads.
    assertEquals(
        0, Projection.CpuHost.oneThread("h", 100, 2, 1, 100).serialFractionRange(r, r).width());
  }

  @Test
  void calibrationRecoversKnownParametersAndReducesTheError() {
    // An 8-core host with 2 SMT threads per core, scaling with s = 0.08 and g = 1.25; each variant
    // measured at one vCPU count only, so without calibration the defaults project it.
    Scaling truth = new Scaling(0.08, 1.25, "truth");
    Random r = new Random(7);
    List<ScalingSample> s = new ArrayList<>();
    int[] busy = {2, 4, 8, 16, 3, 12};
    for (int i = 0; i < busy.length; i++) {
      double t1 = 20 + 100 * r.nextDouble();
      ScalingSample probe = new ScalingSample("v" + i, true, 8, 2, t1, busy[i], 1);
      s.add(new ScalingSample("v" + i, true, 8, 2, t1, busy[i], probe.projected(truth)));
    }
    ProjectionCheck c = ProjectionCheck.of(s, true).orElseThrow();
    assertTrue(c.mapePercent() > 10, "linear scaling without SMT gain is off: " + c.mapePercent());
    assertEquals(0.08, c.calibratedStreams().serialFraction(), 1e-4);
    assertEquals(1.25, c.calibratedStreams().smtGain(), 1e-4);
    assertNull(c.calibratedThreads(), "no intra-op thread pairs");
    assertTrue(c.calibratedMapePercent() < 0.01, "after: " + c.calibratedMapePercent());
    assertTrue(
        c.calibratedStreams().how().contains("calibrated on the 6 single-thread-stream"),
        c.calibratedStreams().how());
    assertEquals(
        s.get(3).measured(), c.pairs().get(3).calibratedProjected(), s.get(3).measured() * 1e-4);
  }

  @Test
  void withoutSmtSiblingsBusyTheGainStaysOne() {
    List<ScalingSample> s = List.of(new ScalingSample("x", false, 4, 2, 10, 4, 30));
    Scaling fit = Projection.calibrate(s, "t");
    assertEquals(1, fit.smtGain(), 0);
    // 30 = 10 / (s + (1 - s) / 4) → s = 1/9.
    assertEquals(1 / 9.0, fit.serialFraction(), 1e-4);
  }

  @Test
  void aCalibratedHostProjectsWithTheCalibratedParameters() throws Exception {
    Projection.CpuHost h =
        new Projection.CpuHost("h", 100, 2, 1, 100, 2, 200)
            .calibratedBy(new Scaling(0.5, 1, "calibrated on 3 pairs"));
    Figure f = Projection.cpu(h, 100, 4, 1);
    assertEquals(100 * Projection.speedup(0.5, 4), f.value(), 1e-9);
    assertTrue(f.provenance().detail().contains("calibrated on 3 pairs"));
  }
}
