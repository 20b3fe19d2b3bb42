package dev.infercost.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
  void eachPairIsProjectedOutOfSampleFromTheOtherMeasurementsOfItsVariant() {
    // 2 cores, no SMT. T1 = 100; 2 threads measured 150, 2 streams measured 190.
    List<ScalingSample> s =
        List.of(
            new ScalingSample("a, 2 threads", "a", 2, 1, 100, 2, 150),
            new ScalingSample("a, 2 streams", "a", 2, 1, 100, 2, 190),
            new ScalingSample("b, 2 threads", "b", 2, 1, 50, 2, 80));
    ProjectionCheck c = ProjectionCheck.of(s, false).orElseThrow();
    // "2 threads" is projected by the fit to "2 streams" (190) and vice versa; b alone has no
    // other measurement, so the defaults (linear: 100) project it.
    assertEquals(190, c.pairs().get(0).projected(), 1e-3);
    assertEquals((190 - 150) / 150.0 * 100, c.pairs().get(0).errorPercent(), 1e-3);
    assertEquals(150, c.pairs().get(1).projected(), 1e-3);
    assertEquals(100, c.pairs().get(2).projected(), 1e-9);
    assertEquals(25, c.pairs().get(2).errorPercent(), 1e-9);
    double mape = (40 / 150.0 * 100 + 40 / 190.0 * 100 + 25) / 3;
    assertEquals(mape, c.mapePercent(), 1e-3);
    assertNull(c.calibrated());
    assertNull(c.pairs().get(0).calibratedProjected());
    assertTrue(ProjectionCheck.of(List.of(), true).isEmpty());
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
      ScalingSample probe = new ScalingSample("v" + i, "v" + i, 8, 2, t1, busy[i], 1);
      s.add(new ScalingSample("v" + i, "v" + i, 8, 2, t1, busy[i], probe.projected(truth)));
    }
    ProjectionCheck c = ProjectionCheck.of(s, true).orElseThrow();
    assertTrue(c.mapePercent() > 10, "linear scaling without SMT gain is off: " + c.mapePercent());
    assertEquals(0.08, c.calibrated().serialFraction(), 1e-4);
    assertEquals(1.25, c.calibrated().smtGain(), 1e-4);
    assertTrue(c.calibratedMapePercent() < 0.01, "after: " + c.calibratedMapePercent());
    assertTrue(c.calibrated().how().contains("calibrated on 6 measured pairs"));
    assertEquals(
        s.get(3).measured(), c.pairs().get(3).calibratedProjected(), s.get(3).measured() * 1e-4);
  }

  @Test
  void withoutSmtSiblingsBusyTheGainStaysOne() {
    List<ScalingSample> s = List.of(new ScalingSample("x", "x", 4, 2, 10, 4, 30));
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
