package dev.infercost.profile;

/**
 * A task metric's score of the reference and of the candidate on the same data.
 *
 * @param name the metric's name
 * @param higherIsBetter its direction
 * @param reference the reference model's score
 * @param candidate the candidate model's score
 * @param drop how much worse the candidate scores, in the metric's units: reference − candidate
 *     when higher is better, candidate − reference otherwise (negative when the candidate is
 *     better)
 */
public record MetricScore(
    String name, boolean higherIsBetter, double reference, double candidate, double drop) {
  public MetricScore {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a metric score needs a name");
    }
  }

  /** The scores of {@code metric}, with the drop computed in its direction. */
  public static MetricScore of(TaskMetric metric, double reference, double candidate) {
    boolean up = metric.higherIsBetter();
    return new MetricScore(
        metric.name(),
        up,
        reference,
        candidate,
        up ? reference - candidate : candidate - reference);
  }
}
