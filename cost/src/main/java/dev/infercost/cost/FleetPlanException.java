package dev.infercost.cost;

import dev.infercost.base.InfercostException;

/**
 * The fleet plan's linear relaxation found no optimum (the solver failed; with non-negative prices
 * and unlimited cloud capacity the program is always feasible and bounded). The message is one line
 * naming the solver state.
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
