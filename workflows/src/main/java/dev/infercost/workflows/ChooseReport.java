package dev.infercost.workflows;

import dev.infercost.base.Fmt;
import dev.infercost.base.HostFingerprint;
import dev.infercost.cost.Optimizer;
import dev.infercost.cost.ProjectionCheck;
import dev.infercost.cost.Sensitivity;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.HostInfo;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of {@code choose}, as written to report.json.
 *
 * @param schema 1
 * @param kind always {@code choose}
 * @param model the model
 * @param bound the accuracy bound every variant's {@code accuracyDrop} (and each row's) is measured
 *     on: its loss on {@link BoundInfo#measure}, which is the top-1 accuracy drop only for {@code
 *     max-accuracy-drop}
 * @param hostEntry the catalog entry this host was matched to (measured rows), or null
 * @param variants per variant: file, size and fidelity against the input
 * @param table every (variant, hardware, batch) row that was priced, measured or estimated
 * @param result the optimizer's ranking, Pareto front, infeasible rows and request
 * @param sensitivity how far prices, demand and the bound can move before the winner changes
 * @param notes hardware that could not be priced and why
 * @param searches the automatic search run per hardware family (empty with a fixed list of
 *     methods): its trials, verdict and the variants it contributed
 * @param host where it was measured
 * @param projectionCheck the CPU model's projections of this host's measurements with several vCPUs
 *     busy against those measurements (errors, MAPE, calibration); null where none was made
 * @param fingerprint this host in full (CPU family and model, cores, ISA, GPU, runtimes), at the
 *     threads the priced measurements kept busy
 */
public record ChooseReport(
    int schema,
    String kind,
    String model,
    BoundInfo bound,
    String hostEntry,
    Map<String, Variant> variants,
    List<Optimizer.Row> table,
    Optimizer.Result result,
    Sensitivity.Report sensitivity,
    List<String> notes,
    List<Search> searches,
    HostInfo host,
    ProjectionCheck projectionCheck,
    HostFingerprint fingerprint) {

  public ChooseReport {
    searches = List.copyOf(searches);
  }

  /**
   * The bound variants are ranked under.
   *
   * @param kind {@code max-accuracy-drop}, {@code min-cosine} or {@code max-metric-drop}
   * @param value the threshold as given
   * @param measure what a variant's loss measures: {@code accuracy drop}, {@code 1 − mean cosine}
   *     or {@code <metric> drop}
   * @param maxLoss the largest loss in bound
   */
  public record BoundInfo(String kind, double value, String measure, double maxLoss) {
    /** {@code b} in words and figures. */
    static BoundInfo of(Bound b) {
      return new BoundInfo(b.kind(), b.value(), b.measure(), b.maxLoss());
    }

    /** Whether the loss is the top-1 accuracy drop. */
    public boolean onAccuracy() {
      return kind.equals(Bound.MaxAccuracyDrop.KIND);
    }

    /**
     * A loss on this measure for tables: an accuracy drop to 4 decimals, other losses (1 − cosine:
     * 0.000046) to 3 significant figures, which 4 decimals would show as 0.
     */
    public String format(double loss) {
      return onAccuracy() ? String.format(Locale.ROOT, "%.4f", loss) : Fmt.sig(loss, 3);
    }

    /** {@code max-accuracy-drop 0.01}: the bound as the user gave it. */
    public String given() {
      return kind + " " + Fmt.sig(value, 4);
    }
  }

  /**
   * One model variant: where it is, its sha256 (what measurement files from other machines are
   * matched by), how big, how faithful, what it is and where it is priced.
   *
   * @param fidelity how faithful to the input, on the evaluation data
   * @param accuracyDrop its loss on the bound's measure ({@link ChooseReport#bound}); the top-1
   *     accuracy drop is {@code fidelity.accuracyDrop}
   * @param recipe what was built, in words (a search's trial and configuration)
   * @param pricedOn the catalog ids it was built for and is priced on
   */
  public record Variant(
      String file,
      String sha256,
      long bytes,
      EvalReport fidelity,
      double accuracyDrop,
      String recipe,
      List<String> pricedOn) {
    public Variant {
      pricedOn = List.copyOf(pricedOn);
    }
  }

  /**
   * One hardware family's automatic search.
   *
   * @param family the hardware it searched for, in words
   * @param hardware the catalog ids of that family
   * @param variants the variants it contributed (none when it kept the input)
   * @param result its trials, kept trial and verdict
   */
  public record Search(
      String family,
      List<String> hardware,
      List<String> variants,
      dev.infercost.workflows.Search.Result result) {
    public Search {
      hardware = List.copyOf(hardware);
      variants = List.copyOf(variants);
    }
  }
}
