package dev.infercost.cost;

import dev.infercost.base.InfercostException;

/**
 * The mixed-fleet linear program has no optimum: it is infeasible (the capacities cannot cover the
 * demand) or unbounded (a negative price on a variable without an upper bound), or the solver
 * failed. The message is one line naming the solver state and what to change.
 */
public class FleetPlanException extends InfercostException {
  private static final long serialVersionUID = 1L;

  private final String solverState;

  /** A failure with the solver's state name ({@code INFEASIBLE}, {@code UNBOUNDED}, ...). */
  public FleetPlanException(String message, String solverState) {
    super(message);
    this.solverState = solverState;
  }

  /** The solver's state name, as ojAlgo reports it. */
  public String solverState() {
    return solverState;
  }
}
