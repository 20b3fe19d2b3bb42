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
 * @param methods variants to build: {@code fp32}, {@code int8-dynamic} (CPU), {@code fp16} and
 *     {@code int8-qdq} (GPU; see {@link Pricing#price})
 * @param batches batch sizes to measure
 * @param shapes input shapes (dim 0 is replaced by each batch)
 * @param threads vCPUs kept busy by the measurements that are priced: one stream with that many
 *     intra-op threads, and (for variants priced on CPUs) as many single-thread streams; above 1,
 *     each variant is also measured at 1 thread to fit the thread scaling of CPU projections
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
  /** The variants choose can build. */
  public static final List<String> METHODS =
      List.of("fp32", CompressRequest.INT8_DYNAMIC, "fp16", CompressRequest.INT8_QDQ);

  public ChooseRequest {
    hardware = List.copyOf(hardware);
    methods = List.copyOf(methods);
    batches = List.copyOf(batches);
    shapes = Map.copyOf(shapes);
    if (methods.isEmpty() || batches.isEmpty()) {
      throw new IllegalArgumentException("at least one method and one batch size are needed");
    }
    for (String m : methods) {
      if (!METHODS.contains(m)) {
        throw new IllegalArgumentException(
            "unknown method '" + m + "': use " + String.join(", ", METHODS));
      }
    }
    if (!(p99Ms > 0)) {
      throw new IllegalArgumentException("--p99-ms must be > 0");
    }
  }
}
