package dev.infercost.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpreadTest {
  @Test
  void latencyCiBecomesInverseThroughputFactors() {
    // Median 10 ms, CI 8–12.5 ms: throughput ∝ 1/latency, so 10/12.5 = 0.8 and 10/8 = 1.25.
    Spread s = Spread.latencyCi(10, 8, 12.5);
    assertEquals(0.8, s.low(), 1e-12);
    assertEquals(1.25, s.high(), 1e-12);
    Range r = s.of(400);
    assertEquals(320, r.low(), 1e-9);
    assertEquals(500, r.high(), 1e-9);
    assertTrue(s.source().contains("-20%/+25%"), s.source());
  }

  @Test
  void aNarrowCiIsWidenedToTheRunToRunFloor() {
    Spread s = Spread.latencyCi(10, 9.99, 10.01);
    assertEquals(1 / (1 + Spread.RUN_TO_RUN), s.low(), 1e-12);
    assertEquals(1 + Spread.RUN_TO_RUN, s.high(), 1e-12);
    assertEquals(s.low(), Spread.runToRun("why").low(), 0);
  }

  @Test
  void spreadsCombineByMultiplyingTheirFactors() {
    Spread a = Spread.ratio(0.25, "a");
    Spread b = new Spread(0.9, 1.1, "b");
    Spread ab = a.times(b);
    assertEquals(0.8 * 0.9, ab.low(), 1e-12);
    assertEquals(1.25 * 1.1, ab.high(), 1e-12);
    assertEquals("a; b", ab.source());
    // The combination is never narrower than either part.
    assertTrue(ab.low() <= Math.min(a.low(), b.low()) && ab.high() >= Math.max(a.high(), b.high()));
    assertTrue(ab.describe().startsWith("range -28%…+38% (a; b)"), ab.describe());
  }

  @Test
  void invalidSpreadsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Spread(1.1, 1.2, "x"));
    assertThrows(IllegalArgumentException.class, () -> new Spread(0, 1, "x"));
    assertThrows(IllegalArgumentException.class, () -> new Spread(0.9, 0.95, "x"));
    assertThrows(IllegalArgumentException.class, () -> Spread.latencyCi(10, 11, 12));
    assertThrows(IllegalArgumentException.class, () -> Spread.ratio(-0.1, "x"));
  }

  @Test
  void rangesOverlapWhenTheyShareAValue() {
    Range a = new Range(1, 2);
    assertTrue(a.overlaps(new Range(2, 3)), "touching ends overlap");
    assertTrue(a.overlaps(new Range(1.5, 1.6)), "contained");
    assertTrue(new Range(0, 5).overlaps(a), "containing");
    assertFalse(a.overlaps(new Range(2.0001, 3)));
    assertFalse(new Range(2.0001, 3).overlaps(a));
    assertEquals(1, a.width(), 0);
    assertThrows(IllegalArgumentException.class, () -> new Range(2, 1));
  }
}
