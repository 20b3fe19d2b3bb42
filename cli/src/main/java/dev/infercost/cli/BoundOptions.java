package dev.infercost.cli;

import dev.infercost.profile.TaskMetric;
import dev.infercost.workflows.Bound;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --max-accuracy-drop X | --min-cosine X | --max-metric-drop X}, used as an exclusive
 * argument group; the metric bound is on the {@code --metric} of {@link MetricOptions}.
 */
final class BoundOptions {
  @Option(
      names = "--max-accuracy-drop",
      paramLabel = "X",
      description = "Largest allowed top-1 accuracy drop (needs labelled data).")
  Double maxAccuracyDrop;

  @Option(
      names = "--min-cosine",
      paramLabel = "X",
      description = "Smallest allowed mean cosine similarity to the input model's outputs.")
  Double minCosine;

  @Option(
      names = "--max-metric-drop",
      paramLabel = "X",
      description =
          "Largest allowed drop of the --metric score from the input model's, in the metric's"
              + " units (an increase for lower-is-better metrics).")
  Double maxMetricDrop;

  /**
   * The bound asked for; {@code metric} is the {@code --metric} chosen, needed by {@code
   * --max-metric-drop}.
   *
   * @throws IllegalArgumentException for {@code --max-metric-drop} without a metric
   */
  Bound toBound(Optional<TaskMetric> metric) {
    if (maxMetricDrop != null) {
      return Bound.maxMetricDrop(
          metric.orElseThrow(
              () -> new IllegalArgumentException("--max-metric-drop needs --metric NAME")),
          maxMetricDrop);
    }
    return minCosine != null ? Bound.minCosine(minCosine) : Bound.maxAccuracyDrop(maxAccuracyDrop);
  }
}
