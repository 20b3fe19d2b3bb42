package dev.infercost.profile;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The task metrics an evaluation scores on top of its built-in figures, and the labels file they
 * may read ({@link TaskMetric.Context#labelsFile()}).
 *
 * @param metrics the metrics, distinct names
 * @param labels the labels file, if any
 */
public record MetricSet(List<TaskMetric> metrics, Optional<Path> labels) {
  public MetricSet {
    metrics = List.copyOf(metrics);
    Objects.requireNonNull(labels);
    if (metrics.stream().map(TaskMetric::name).distinct().count() != metrics.size()) {
      throw new IllegalArgumentException("metric names repeat in " + metrics);
    }
  }

  /** No task metrics. */
  public static MetricSet none() {
    return new MetricSet(List.of(), Optional.empty());
  }

  /** This set with {@code metric} added unless one of that name is in it already. */
  public MetricSet with(TaskMetric metric) {
    if (metrics.stream().anyMatch(m -> m.name().equals(metric.name()))) {
      return this;
    }
    List<TaskMetric> more = new java.util.ArrayList<>(metrics);
    more.add(metric);
    return new MetricSet(more, labels);
  }
}
