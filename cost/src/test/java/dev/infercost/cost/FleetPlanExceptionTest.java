package dev.infercost.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FleetPlanExceptionTest {
  @Test
  void oneLineMessageAndSolverState() {
    FleetPlanException e = new FleetPlanException("fleet plan:\ninfeasible", "INFEASIBLE");
    assertEquals("fleet plan:\\ninfeasible", e.getMessage());
    assertEquals("INFEASIBLE", e.solverState());
  }
}
