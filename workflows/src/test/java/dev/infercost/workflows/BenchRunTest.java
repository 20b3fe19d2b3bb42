package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infercost.gate.BenchResults;
import dev.infercost.gate.Gate;
import dev.infercost.profile.LatencyStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link BenchRun} writes the bench results layout (gate/README.md) field for field: what the gate
 * reads back plus each entry's detail, so a results file read and written again is the same JSON.
 */
class BenchRunTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The layout of benchmarks/ci-baseline.json, shortened. */
  private static final String FILE =
      """
      {"schema": 1, "kind": "bench", "createdAt": "2026-11-23T14:24:28Z",
       "provenance": {"gitCommit": null,
         "host": {"cpuModel": "AMD EPYC", "logicalCores": 2, "cpuFeatures": ["avx2", "fma"],
                  "os": "Linux 6.1", "arch": "amd64"},
         "threads": 1, "infercost": "dev", "onnxRuntime": "1.23.2", "java": "17.0.15",
         "suite": "benchmarks/suites/ci.yaml"},
       "reference": {"name": "digits-cnn batch 64", "unit": "ms", "samples": [0.27, 0.26]},
       "entries": [{"name": "digits-cnn/fp32", "model": "digits-cnn", "variant": "fp32",
         "metrics": [
           {"name": "size", "unit": "bytes", "kind": "deterministic", "better": "lower",
            "value": 40676.0, "samples": [], "provenance": "file size"},
           {"name": "latency.p50", "unit": "ms", "kind": "timing", "better": "lower",
            "value": 0.0077, "samples": [0.0077, 0.008], "provenance": "measured on AMD EPYC"},
           {"name": "cost.aws-g4dn.xlarge", "unit": "USD per 1M inferences",
            "kind": "deterministic", "better": "lower", "value": 0.0022, "samples": [],
            "provenance": "estimated: roofline"}],
         "latency": {"samples": 2, "p50": 0.0077, "p90": 0.015, "p99": 0.032, "mean": 0.0103,
                     "stdev": 0.055, "min": 0.0068, "max": 8.01, "ciLow": 0.0076,
                     "ciHigh": 0.0077, "noisy": true},
         "throughput": 129802.69989615784,
         "inputShapes": {"input": [1, 64]}}]}
      """;

  @Test
  void writesWhatTheGateReadsPlusTheDetail() throws Exception {
    BenchResults results = Gate.parse(FILE, "results.json");
    JsonNode file = MAPPER.readTree(FILE);
    Map<String, BenchRun.Detail> details = new LinkedHashMap<>();
    for (JsonNode e : file.get("entries")) {
      details.put(
          e.get("name").asText(),
          new BenchRun.Detail(
              MAPPER.treeToValue(e.get("latency"), LatencyStats.class),
              e.get("throughput").asDouble(),
              MAPPER.convertValue(
                  e.get("inputShapes"), new TypeReference<Map<String, List<Long>>>() {})));
    }
    String written = Reports.json(new BenchRun(results, details));
    assertEquals(file, MAPPER.readTree(written));
    assertEquals(results, Gate.parse(written, "results.json"));
  }
}
