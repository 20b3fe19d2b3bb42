package dev.infercost.profile;

import java.util.List;
import java.util.Map;

/**
 * Measurements at one batch size.
 *
 * @param batch inferences per call
 * @param inputShapes concrete shape of every input
 * @param latency per-call latency in milliseconds
 * @param throughput inferences per second, single stream: batch × 1000 ÷ p50
 * @param memory memory figures for this run
 * @param samplesMs raw per-call samples in milliseconds, in run order; at most 2000, evenly spaced
 *     when more were taken (the statistics use all of them)
 */
public record BatchResult(
    int batch,
    Map<String, List<Long>> inputShapes,
    LatencyStats latency,
    double throughput,
    MemoryReport memory,
    List<Double> samplesMs) {
  public BatchResult {
    inputShapes = Map.copyOf(inputShapes);
    samplesMs = List.copyOf(samplesMs);
  }
}
