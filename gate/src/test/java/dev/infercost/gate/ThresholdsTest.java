package dev.infercost.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ThresholdsTest {
  @Test
  void defaults() {
    Thresholds t = Thresholds.DEFAULTS;
    assertEquals(0.05, t.maxCostIncrease());
    assertEquals(0.05, t.maxLatencyIncrease());
    assertEquals(0, t.maxSizeIncrease());
    assertEquals(0, t.maxMacsIncrease());
    assertEquals(0, t.maxAccuracyDrop());
  }

  @Test
  void withersChangeOneField() {
    Thresholds t =
        Thresholds.DEFAULTS
            .withMaxCostIncrease(0.1)
            .withMaxLatencyIncrease(0.2)
            .withMaxSizeIncrease(0.3)
            .withMaxMacsIncrease(0.4)
            .withMaxAccuracyDrop(0.5);
    assertEquals(new Thresholds(0.1, 0.2, 0.3, 0.4, 0.5), t);
  }

  @Test
  void rejectsNegativeAndNonFinite() {
    assertThrows(IllegalArgumentException.class, () -> Thresholds.DEFAULTS.withMaxSizeIncrease(-1));
    assertThrows(
        IllegalArgumentException.class, () -> Thresholds.DEFAULTS.withMaxAccuracyDrop(Double.NaN));
    assertThrows(
        IllegalArgumentException.class,
        () -> Thresholds.DEFAULTS.withMaxCostIncrease(Double.POSITIVE_INFINITY));
  }
}
