package dev.infercost.profile;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Measurements at one batch size.
 *
 * @param batch inferences per call
 * @param inputShapes concrete shape of every input, in the model's input order
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
    Map<String, List<Long>> copy = new LinkedHashMap<>();
    inputShapes.forEach(
        (k, v) -> copy.put(Objects.requireNonNull(k), List.copyOf(Objects.requireNonNull(v))));
    inputShapes = Collections.unmodifiableMap(copy);
    samplesMs = List.copyOf(samplesMs);
  }
}
