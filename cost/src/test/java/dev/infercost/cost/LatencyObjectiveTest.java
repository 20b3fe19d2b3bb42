package dev.infercost.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.cost.LatencyObjective.Point;
import dev.infercost.cost.LatencyObjective.Selection;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyObjectiveTest {
  private static final List<Point> SWEEP =
      List.of(
          new Point(1, 4.0, 250),
          new Point(8, 12.0, 700),
          new Point(32, 45.0, 900),
          new Point(64, 95.0, 950));

  @Test
  void picksLargestThroughputWithinObjective() {
    Selection s = LatencyObjective.select(SWEEP, 50);
    assertTrue(s.feasible());
    assertEquals(32, s.point().batch());
    assertNull(s.reason());
    assertEquals(64, LatencyObjective.select(SWEEP, 100).point().batch());
    assertEquals(8, LatencyObjective.select(SWEEP, 12).point().batch(), "p99 equal to objective");
    assertEquals(1, LatencyObjective.select(SWEEP, 5).point().batch());
  }

  @Test
  void noPointMeetsObjective() {
    Selection s = LatencyObjective.select(SWEEP, 3);
    assertFalse(s.feasible());
    assertNull(s.point());
    assertTrue(s.reason().contains("p99 <= 3.0 ms"), s.reason());
    assertTrue(s.reason().contains("4.0 ms at batch 1"), s.reason());
  }

  @Test
  void emptyListIsNotFeasible() {
    Selection s = LatencyObjective.select(List.of(), 50);
    assertFalse(s.feasible());
    assertEquals("no measured points", s.reason());
  }

  @Test
  void tiesGoToLowerP99ThenSmallerBatch() {
    List<Point> tied =
        List.of(new Point(16, 20, 500), new Point(8, 10, 500), new Point(4, 10, 500));
    assertEquals(4, LatencyObjective.select(tied, 50).point().batch());
  }

  @Test
  void throughputNotMonotoneInBatch() {
    // A larger batch can be slower (cache spills); the best point is still the largest throughput.
    List<Point> pts = List.of(new Point(8, 10, 800), new Point(16, 18, 600));
    assertEquals(8, LatencyObjective.select(pts, 50).point().batch());
  }

  @Test
  void rejectsBadInputs() {
    assertThrows(IllegalArgumentException.class, () -> LatencyObjective.select(SWEEP, 0));
    assertThrows(IllegalArgumentException.class, () -> new Point(0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new Point(1, -1, 1));
    assertThrows(IllegalArgumentException.class, () -> new Point(1, 1, 0));
  }
}
