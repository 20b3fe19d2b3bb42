package dev.infercost.cli;

import dev.infercost.profile.MetricException;
import dev.infercost.profile.MetricSet;
import dev.infercost.profile.TaskMetric;
import dev.infercost.profile.TaskMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --metric NAME}, {@code --metric-classpath JAR[:JAR]}, {@code --metric-labels FILE}. */
final class MetricOptions {
  @Option(
      names = "--metric",
      paramLabel = "NAME",
      description =
          "Task metric to score both models with: top1-accuracy, cosine, nn-agreement, mask-iou,"
              + " perplexity, token-kl (language models on text), or one from"
              + " --metric-classpath.")
  String metric;

  @Option(
      names = "--metric-classpath",
      split = ":",
      paramLabel = "JAR[:JAR]",
      description = "Jars with task metrics (META-INF/services/dev.infercost.profile.TaskMetric).")
  List<Path> classpath = new ArrayList<>();

  @Option(
      names = "--metric-labels",
      paramLabel = "FILE",
      description = "Labels file the metric reads itself (mask-iou: .npy masks [N, ...]).")
  Path labels;

  /** The metrics of the built-ins and the jars; the caller closes it. */
  TaskMetrics open() throws MetricException {
    return TaskMetrics.load(classpath);
  }

  /** The {@code --metric} chosen, if one was. */
  Optional<TaskMetric> chosen(TaskMetrics metrics) throws MetricException {
    return metric == null ? Optional.empty() : Optional.of(metrics.get(metric));
  }

  /** The chosen metric with its labels file, or none. */
  MetricSet set(TaskMetrics metrics) throws MetricException {
    if (labels != null && metric == null) {
      throw new IllegalArgumentException("--metric-labels needs --metric NAME");
    }
    return chosen(metrics)
        .map(m -> new MetricSet(List.of(m), Optional.ofNullable(labels)))
        .orElse(MetricSet.none());
  }
}
