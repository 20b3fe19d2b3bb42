package dev.infercost.workflows;

import dev.infercost.cost.Optimizer;
import dev.infercost.cost.ProjectionCheck;
import dev.infercost.cost.Sensitivity;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.HostInfo;
import java.util.List;
import java.util.Map;

/**
 * The outcome of {@code choose}, as written to report.json.
 *
 * @param schema 1
 * @param kind always {@code choose}
 * @param model the model
 * @param hostEntry the catalog entry this host was matched to (measured rows), or null
 * @param variants per variant: file, size and fidelity against the input
 * @param table every (variant, hardware, batch) row that was priced, measured or estimated
 * @param result the optimizer's ranking, Pareto front, infeasible rows and request
 * @param sensitivity how far prices, demand and the bound can move before the winner changes
 * @param notes hardware that could not be priced and why
 * @param host where it was measured
 * @param projectionCheck the CPU model's projections of this host's measurements with several vCPUs
 *     busy against those measurements (errors, MAPE, calibration); null where none was made
 */
public record ChooseReport(
    int schema,
    String kind,
    String model,
    String hostEntry,
    Map<String, Variant> variants,
    List<Optimizer.Row> table,
    Optimizer.Result result,
    Sensitivity.Report sensitivity,
    List<String> notes,
    HostInfo host,
    ProjectionCheck projectionCheck) {

  /** One model variant: where it is, how big, how faithful. */
  public record Variant(String file, long bytes, EvalReport fidelity, double accuracyDrop) {}
}
