package dev.infercost.workflows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link ChooseWorkflow#run} should decide.
 *
 * @param model model path or built-in name
 * @param data evaluation data (built-in models default to their held-out data)
 * @param bound the accuracy bound: {@code max-accuracy-drop} (labels) or {@code min-cosine}
 *     (embeddings; compared as a drop of 1 − cosine)
 * @param p99Ms latency objective per call
 * @param qps demand in inferences/s, if any
 * @param hardware catalog ids or aliases to consider; empty = every non-example catalog entry
 * @param catalog a user catalog file ({@code "extends": "builtin"} to add to the built-in one)
 * @param measuredOn the catalog entry this host is, when automatic matching cannot tell
 * @param methods variants to build: {@code fp32}, {@code int8-dynamic}
 * @param batches batch sizes to measure
 * @param shapes input shapes (dim 0 is replaced by each batch)
 * @param threads intra-op threads
 * @param outDir where report.json and report.md go (and the int8 model), if anywhere
 */
public record ChooseRequest(
    String model,
    Optional<Path> data,
    Bound bound,
    double p99Ms,
    Optional<Double> qps,
    List<String> hardware,
    Optional<Path> catalog,
    Optional<String> measuredOn,
    List<String> methods,
    List<Integer> batches,
    Map<String, long[]> shapes,
    int threads,
    Optional<Path> outDir) {
  public ChooseRequest {
    hardware = List.copyOf(hardware);
    methods = List.copyOf(methods);
    batches = List.copyOf(batches);
    shapes = Map.copyOf(shapes);
    if (methods.isEmpty() || batches.isEmpty()) {
      throw new IllegalArgumentException("at least one method and one batch size are needed");
    }
    for (String m : methods) {
      if (!m.equals("fp32") && !m.equals(CompressRequest.INT8_DYNAMIC)) {
        throw new IllegalArgumentException("unknown method '" + m + "': use fp32, int8-dynamic");
      }
    }
    if (!(p99Ms > 0)) {
      throw new IllegalArgumentException("--p99-ms must be > 0");
    }
  }
}
