package dev.infercost.workflows;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infercost.gate.BenchResults;
import dev.infercost.gate.Gate;
import dev.infercost.profile.LatencyStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code bench} measured: the results the gate compares (gate's one schema, {@link
 * BenchResults}) and, per entry, the detail it does not compare. Serializes to the results file:
 * {@link Gate#toJson} with each entry's detail added ({@code latency}, {@code throughput}, {@code
 * inputShapes}).
 *
 * @param results the results, as the gate reads them back
 * @param details per entry name, in entry order
 */
public record BenchRun(BenchResults results, Map<String, Detail> details) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  public BenchRun {
    Objects.requireNonNull(results, "results");
    details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    for (BenchResults.Entry e : results.entries()) {
      if (!details.containsKey(e.name())) {
        throw new IllegalArgumentException("no detail for entry '" + e.name() + "'");
      }
    }
  }

  /**
   * One entry's measurement detail.
   *
   * @param latency the latency summary over all samples (the {@code latency.p50} metric keeps a
   *     thinned set)
   * @param throughput inferences per second at the suite's batch, single stream
   * @param inputShapes the input shapes used
   */
  public record Detail(
      LatencyStats latency, double throughput, Map<String, List<Long>> inputShapes) {
    public Detail {
      Objects.requireNonNull(latency, "latency");
      inputShapes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputShapes));
    }
  }

  /** The detail of {@code entry}. */
  public Detail detail(BenchResults.Entry entry) {
    return details.get(entry.name());
  }

  /** The results file: the gate's layout, each entry with its detail. */
  @JsonValue
  ObjectNode json() {
    ObjectNode root = Gate.toJson(results);
    for (var node : (ArrayNode) root.get("entries")) {
      ObjectNode e = (ObjectNode) node;
      Detail d = details.get(e.get("name").asText());
      e.set("latency", MAPPER.valueToTree(d.latency()));
      e.put("throughput", d.throughput());
      e.set("inputShapes", MAPPER.valueToTree(d.inputShapes()));
    }
    return root;
  }
}
