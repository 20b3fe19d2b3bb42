package dev.infercost.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CapacityTest {
  @Test
  void exactMultipleNeedsNoSpareReplica() {
    Capacity.Plan p = Capacity.plan(200, 100, 0.5);
    assertEquals(2, p.replicas());
    assertEquals(1.0, p.utilization(), 0);
    assertEquals(1.0, p.hourlyUsd(), 1e-12);
    assertEquals(730.0, p.monthlyUsd(), 1e-9);
  }

  @Test
  void fractionalDemandRoundsUp() {
    Capacity.Plan p = Capacity.plan(250, 100, 0.5);
    assertEquals(3, p.replicas());
    assertEquals(250.0 / 300.0, p.utilization(), 1e-12);
    assertEquals(3 * 0.5 * 730, p.monthlyUsd(), 1e-9);
  }

  @Test
  void zeroDemandNeedsNothing() {
    Capacity.Plan p = Capacity.plan(0, 100, 0.5);
    assertEquals(0, p.replicas());
    assertEquals(0.0, p.utilization(), 0);
    assertEquals(0.0, p.monthlyUsd(), 0);
  }

  @Test
  void floatingPointNoiseDoesNotAddAReplica() {
    // 1.1 / 0.1 == 11.000000000000002 in binary floating point.
    assertEquals(11, Capacity.replicas(1.1, 0.1));
    assertEquals(1.0, Capacity.plan(1.1, 0.1, 1).utilization(), 1e-12);
  }

  @Test
  void tinyDemandStillNeedsOneReplica() {
    assertEquals(1, Capacity.replicas(1e-12, 100));
    assertEquals(1, Capacity.replicas(99.99, 100));
    assertEquals(2, Capacity.replicas(100.001, 100));
  }

  @Test
  void monthIs730Hours() {
    assertEquals(8760.0 / 12, Capacity.HOURS_PER_MONTH, 0);
  }

  @Test
  void rejectsBadInputs() {
    assertThrows(IllegalArgumentException.class, () -> Capacity.plan(-1, 100, 1));
    assertThrows(IllegalArgumentException.class, () -> Capacity.plan(1, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> Capacity.plan(1, 1, -1));
    assertThrows(IllegalArgumentException.class, () -> Capacity.plan(Double.NaN, 1, 1));
  }
}
