package dev.infercost.benchmarks;

import dev.infercost.profile.TaskMetric;

/** A task metric's accumulator whose score is the mean of one value per image. */
abstract class MeanOverImages implements TaskMetric.Accumulator {
  private double sum;
  private int n;

  /** Adds one image's value. */
  final void record(double v) {
    sum += v;
    n++;
  }

  @Override
  public final double score() {
    return n == 0 ? 0 : sum / n;
  }
}
