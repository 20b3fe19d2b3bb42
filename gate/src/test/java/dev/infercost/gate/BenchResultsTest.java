package dev.infercost.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading results: the documented schema is accepted, anything else is one clear line. */
class BenchResultsTest {
  @TempDir Path tmp;

  private static final String SAMPLE =
      """
      { "schema": 1, "kind": "bench",
        "createdAt": "2026-11-23T14:00:00Z",
        "provenance": { "gitCommit": null, "host": { "cpuModel": "AMD EPYC", "logicalCores": 2,
                        "cpuFeatures": ["avx2"] }, "threads": 1, "infercost": "dev",
                        "onnxRuntime": "1.23.2", "java": "17.0.12", "os": "Linux" },
        "reference": { "name": "reference-workload", "unit": "ms", "samples": [1.02, 0.99, 1.0] },
        "entries": [
          { "name": "minilm-l6/int8", "model": "minilm-l6", "variant": "int8-dynamic",
            "metrics": [
              { "name": "size", "unit": "bytes", "kind": "deterministic", "better": "lower",
                "value": 22929877 },
              { "name": "accuracy", "unit": "fraction", "kind": "deterministic",
                "better": "higher", "value": 0.9711 },
              { "name": "latency.p50", "unit": "ms", "kind": "timing", "better": "lower",
                "value": 22.1, "samples": [22.0, 22.3, 22.1] },
              { "name": "cost.aws-c6a.large", "unit": "USD per 1M inferences", "kind": "timing",
                "better": "lower", "value": 0.71, "samples": [0.7, 0.71, 0.72],
                "provenance": "measured" }
            ] } ] }
      """;

  @Test
  void readsTheDocumentedSchema() throws Exception {
    Path f = Files.writeString(tmp.resolve("results.json"), SAMPLE);
    BenchResults r = Gate.read(f);
    assertEquals(f.toString(), r.source());
    assertEquals(BenchResults.Format.BENCH, r.format());
    assertEquals("2026-11-23T14:00:00Z", r.createdAt());
    assertNull(r.provenance().gitCommit());
    assertEquals("AMD EPYC", r.provenance().host().cpuModel());
    assertEquals(2, r.provenance().host().logicalCores());
    assertEquals(1, r.provenance().threads());
    assertEquals(List.of(1.02, 0.99, 1.0), r.reference().samples());
    BenchResults.Entry e = r.entries().get(0);
    assertEquals("minilm-l6", e.model());
    assertEquals(4, e.metrics().size());
    BenchResults.Metric cost = e.metric("cost.aws-c6a.large").orElseThrow();
    assertEquals(BenchResults.Kind.TIMING, cost.kind());
    assertEquals("measured", cost.provenance());
    assertEquals(3, cost.samples().size());
    assertEquals(BenchResults.Better.HIGHER, e.metric("accuracy").orElseThrow().better());
    assertTrue(e.metric("size").orElseThrow().samples().isEmpty());
  }

  @Test
  void theHostFingerprintModelHashAndBatchRoundTrip() throws Exception {
    String sha = "0123456789abcdef".repeat(4);
    String json =
        SAMPLE
            .replace(
                "\"threads\": 1,",
                "\"threads\": 1, \"fingerprint\": {\"cpuModel\": \"AMD EPYC 7R13 Processor\","
                    + " \"cpuFamily\": 25, \"cpuModelNumber\": 1, \"arch\": \"amd64\","
                    + " \"logicalCores\": 2, \"physicalCores\": 1, \"threads\": 1,"
                    + " \"isa\": [\"avx2\", \"fma\"]},")
            .replace(
                "\"variant\": \"int8-dynamic\",",
                "\"variant\": \"int8-dynamic\", \"modelSha256\": \"" + sha + "\", \"batch\": 8,");
    BenchResults r = Gate.parse(json, "r.json");
    assertEquals(25, r.provenance().fingerprint().cpuFamily());
    assertEquals(List.of("avx2", "fma"), r.provenance().fingerprint().isa());
    assertEquals(sha, r.entries().get(0).modelSha256());
    assertEquals(8, r.entries().get(0).batch());
    BenchResults back = Gate.parse(Gate.toJson(r).toString(), "again");
    assertEquals(r.provenance(), back.provenance());
    assertEquals(r.entries(), back.entries());

    assertTrue(
        assertThrows(GateInputException.class, () -> Gate.parse(json.replace(sha, "XYZ"), "r.json"))
            .getMessage()
            .contains("\"modelSha256\" must be 64 lower-case hex digits"));
    assertTrue(
        assertThrows(
                GateInputException.class,
                () ->
                    Gate.parse(
                        json.replace("\"physicalCores\": 1", "\"physicalCores\": 0"), "r.json"))
            .getMessage()
            .startsWith("r.json: provenance.fingerprint: "));
  }

  private GateInputException bad(String json) throws Exception {
    Path f = Files.writeString(tmp.resolve("bad.json"), json);
    GateInputException e = assertThrows(GateInputException.class, () -> Gate.read(f));
    assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e;
  }

  private GateInputException bad(Consumer<ObjectNode> edit) throws Exception {
    ObjectNode root = (ObjectNode) Bench.JSON.readTree(SAMPLE);
    edit.accept(root);
    return bad(root.toString());
  }

  private static ObjectNode metric(ObjectNode root, int i) {
    return (ObjectNode) root.get("entries").get(0).get("metrics").get(i);
  }

  private static void assertMentions(GateInputException e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), () -> "expected '" + p + "' in " + e.getMessage());
    }
  }

  @Test
  void missingFileAndDirectory() {
    Path f = tmp.resolve("nope.json");
    GateInputException e = assertThrows(GateInputException.class, () -> Gate.read(f));
    assertEquals(f + ": no such file", e.getMessage());
    GateInputException d = assertThrows(GateInputException.class, () -> Gate.read(tmp));
    assertTrue(d.getMessage().contains("is a directory"), d.getMessage());
  }

  @Test
  void notJson() throws Exception {
    assertMentions(bad(""), "empty file");
    assertMentions(bad("{\"schema\": 1,"), "not valid JSON", "line 1");
    assertMentions(bad("not json at all"), "not valid JSON");
    assertMentions(bad(SAMPLE + "}"), "not valid JSON");
    assertMentions(bad("\"a string\""), "expected a JSON object");
    assertMentions(bad("{\"schema\": 1, \"schema\": 1}"), "not valid JSON", "schema");
  }

  @Test
  void wrongSchemaOrKind() throws Exception {
    assertMentions(bad(r -> r.remove("schema")), "no \"schema\" field");
    assertMentions(bad(r -> r.put("schema", 2)), "schema 2 is not supported");
    assertMentions(bad(r -> r.put("schema", "1")), "schema \"1\" is not supported");
    assertMentions(bad(r -> r.put("kind", "compress")), "\"kind\": \"compress\" is not bench");
    assertMentions(bad(r -> r.remove("kind")), "kind is missing");
    assertMentions(bad(r -> r.put("entries", "x")), "\"entries\" must be an array");
  }

  @Test
  void badMetrics() throws Exception {
    assertMentions(
        bad(r -> metric(r, 2).remove("value")),
        "entries[0] ('minilm-l6/int8').metrics[2] ('latency.p50')",
        "\"value\" must be a number",
        "timing metric");
    assertMentions(bad(r -> metric(r, 2).put("value", "22.1")), "\"value\" must be a number");
    assertMentions(bad(r -> metric(r, 2).put("value", -1)), "negative");
    assertMentions(
        bad(r -> ((ArrayNode) metric(r, 2).get("samples")).add(-0.5)), "samples[3] is negative");
    assertMentions(
        bad(r -> ((ArrayNode) metric(r, 2).get("samples")).add("fast")),
        "samples[3] must be a number");
    assertMentions(bad(r -> metric(r, 2).put("samples", 3)), "must be an array of numbers");
    assertMentions(bad(r -> metric(r, 2).put("kind", "measured")), "\"kind\": \"measured\"");
    assertMentions(bad(r -> metric(r, 2).put("better", "faster")), "use lower or higher");
    assertMentions(bad(r -> metric(r, 2).put("name", "size")), "metric 'size' already");
    assertMentions(bad(r -> metric(r, 2).remove("name")), "metrics[2].name is missing");
  }

  @Test
  void badEntriesAndReference() throws Exception {
    assertMentions(
        bad(r -> ((ArrayNode) r.get("entries")).add(r.get("entries").get(0).deepCopy())),
        "entries[1]: entry name 'minilm-l6/int8' already used by entries[0]");
    assertMentions(bad(r -> ((ObjectNode) r.get("entries").get(0)).put("name", " ")), "empty");
    assertMentions(
        bad(r -> ((ObjectNode) r.get("entries").get(0)).remove("metrics")),
        "\"metrics\" must be an array");
    assertMentions(
        bad(r -> ((ArrayNode) r.get("reference").get("samples")).add(-1)),
        "reference.samples[3] is negative");
    assertMentions(
        bad(r -> ((ObjectNode) r.get("provenance")).put("threads", "one")),
        "provenance.threads must be an integer");
  }

  @Test
  void badJmhFiles() throws Exception {
    assertMentions(bad("[{\"benchmark\": \"a.B.c\"}]"), "primaryMetric", "JMH");
    assertMentions(
        bad("[{\"benchmark\": \"a.B.c\", \"primaryMetric\": {\"score\": \"x\"}}]"),
        "primaryMetric.score must be a number");
    assertMentions(
        bad(
            "[{\"benchmark\": \"a.B.c\", \"primaryMetric\": {\"score\": 1,"
                + " \"rawData\": [[1, -2]]}}]"),
        "rawData[0][1] is negative");
    assertMentions(bad("[3]"), "[0] must be a JMH benchmark result object");
    assertMentions(
        bad(
            "[{\"benchmark\": \"a.B.c\", \"mode\": \"avgt\", \"primaryMetric\": {\"score\": 1}},"
                + " {\"benchmark\": \"a.B.c\", \"mode\": \"avgt\", \"primaryMetric\": {\"score\": 2}}]"),
        "appear twice");
  }

  @Test
  void jmhModesOfOneBenchmarkBecomeMetricsOfOneEntry() throws Exception {
    BenchResults r =
        Gate.parse(
            "[{\"benchmark\": \"a.B.c\", \"mode\": \"thrpt\", \"primaryMetric\": {\"score\": 5,"
                + " \"scoreUnit\": \"ops/ms\", \"rawData\": [[5, 5], [5]]}},"
                + " {\"benchmark\": \"a.B.c\", \"mode\": \"avgt\", \"primaryMetric\": {\"score\":"
                + " 0.2, \"scoreUnit\": \"ms/op\"}}]",
            "jmh.json");
    assertEquals(1, r.entries().size());
    BenchResults.Entry e = r.entries().get(0);
    assertEquals("a.B.c", e.name());
    assertEquals(BenchResults.Better.HIGHER, e.metric("thrpt").orElseThrow().better());
    assertEquals(List.of(5.0, 5.0, 5.0), e.metric("thrpt").orElseThrow().samples());
    assertEquals(BenchResults.Better.LOWER, e.metric("avgt").orElseThrow().better());
    assertTrue(e.metric("avgt").orElseThrow().samples().isEmpty());
    assertNull(r.provenance());
    assertNull(r.reference());
  }

  @Test
  void recordsValidateTheirInvariants() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new BenchResults.Metric(
                "x",
                "ms",
                BenchResults.Kind.TIMING,
                BenchResults.Better.LOWER,
                Double.NaN,
                List.of(),
                null));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new BenchResults.Metric(
                "x",
                "ms",
                BenchResults.Kind.TIMING,
                BenchResults.Better.LOWER,
                1,
                List.of(-1.0),
                null));
    assertThrows(
        IllegalArgumentException.class,
        () -> new BenchResults.Reference("r", "ms", List.of(Double.POSITIVE_INFINITY)));
  }
}
