package dev.infercost.cli;

import static dev.infercost.cli.CliTest.assertBadInput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** {@code infercost gate} end to end on synthetic result files. */
class GateCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  /** Runs {@code infercost gate args...} through the real command line. */
  static CliTest.Run gate(String... args) {
    String[] full = Stream.concat(Stream.of("gate"), Stream.of(args)).toArray(String[]::new);
    if (Main.newCommandLine().getSubcommands().containsKey("gate")) {
      return CliTest.run(full);
    }
    // Until InfercostCommand lists GateCommand: the same wiring as CliTest.run, gate added.
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = Main.newCommandLine();
    cl.addSubcommand("gate", new GateCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(full);
    return new CliTest.Run(code, out.toString(), err.toString());
  }

  /** A bench results file: one entry with size, accuracy, latency and cost. */
  private Path results(
      String file, long seed, double slowdown, String cpu, double referenceMs, long size)
      throws IOException {
    ObjectNode root = JSON.createObjectNode().put("schema", 1).put("kind", "bench");
    root.put("createdAt", "2026-11-23T14:00:00Z");
    ObjectNode p = root.putObject("provenance").put("gitCommit", "abc123").put("threads", 1);
    p.putObject("host").put("cpuModel", cpu).put("logicalCores", 2);
    Random random = new Random(seed);
    ArrayNode ref =
        root.putObject("reference")
            .put("name", "reference-workload")
            .put("unit", "ms")
            .putArray("samples");
    for (int i = 0; i < 30; i++) {
      ref.add(referenceMs * Math.exp(0.02 * random.nextGaussian()));
    }
    ObjectNode e = root.putArray("entries").addObject();
    e.put("name", "minilm-l6/int8").put("model", "minilm-l6").put("variant", "int8-dynamic");
    ArrayNode metrics = e.putArray("metrics");
    metrics
        .addObject()
        .put("name", "size")
        .put("unit", "bytes")
        .put("kind", "deterministic")
        .put("better", "lower")
        .put("value", size);
    metrics
        .addObject()
        .put("name", "accuracy")
        .put("unit", "fraction")
        .put("kind", "deterministic")
        .put("better", "higher")
        .put("value", 0.9711);
    ObjectNode lat =
        metrics
            .addObject()
            .put("name", "latency.p50")
            .put("unit", "ms")
            .put("kind", "timing")
            .put("better", "lower");
    ObjectNode cost =
        metrics
            .addObject()
            .put("name", "cost.aws-c6a.large")
            .put("unit", "USD per 1M inferences")
            .put("kind", "timing")
            .put("better", "lower");
    ArrayNode ls = lat.putArray("samples");
    ArrayNode cs = cost.putArray("samples");
    double speed = referenceMs * slowdown;
    for (int i = 0; i < 100; i++) {
      double ms = 20 * speed * Math.exp(0.03 * random.nextGaussian());
      ls.add(ms);
      cs.add(ms * 0.0321);
    }
    lat.put("value", 20 * speed);
    cost.put("value", 20 * speed * 0.0321);
    return Files.writeString(tmp.resolve(file), root.toPrettyString());
  }

  private Path results(String file, long seed, double slowdown) throws IOException {
    return results(file, seed, slowdown, "AMD EPYC 7R13", 1.0, 22_929_877);
  }

  private static Document xml(Path file) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
  }

  @Test
  void noiseAloneExitsZeroWithATable() throws Exception {
    Path base = results("base.json", 1, 1.0);
    Path cand = results("cand.json", 2, 1.0);
    CliTest.Run r = gate(cand.toString(), "--baseline", base.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("entry"), r.out());
    assertTrue(r.out().contains("95% CI"), r.out());
    assertTrue(r.out().contains("latency.p50"), r.out());
    assertEquals(4, r.out().lines().filter(l -> l.contains("  PASS  ")).count(), r.out());
    assertTrue(r.out().strip().endsWith("PASS: 4 metrics compared, no regression"), r.out());
    assertEquals("", r.err());
  }

  @Test
  void aRegressionExitsOneAndWritesJunitAndMarkdown() throws Exception {
    Path base = results("base.json", 1, 1.0);
    Path cand = results("cand.json", 2, 1.2);
    Path junit = tmp.resolve("gate.xml");
    Path md = tmp.resolve("gate.md");
    CliTest.Run r =
        gate(
            cand.toString(),
            "--baseline",
            base.toString(),
            "--json",
            "--junit",
            junit.toString(),
            "--markdown",
            md.toString());
    assertEquals(1, r.code(), r.err());
    JsonNode j = r.json();
    assertFalse(j.get("passed").asBoolean());
    assertEquals(2, j.get("counts").get("failed").asInt());
    JsonNode lat = j.get("comparisons").get(2);
    assertEquals("latency.p50", lat.get("metric").asText());
    assertEquals("fail", lat.get("verdict").asText());
    assertTrue(lat.get("ratioCiLow").asDouble() > 1, lat.toString());

    Document doc = xml(junit);
    assertEquals("4", doc.getDocumentElement().getAttribute("tests"));
    assertEquals("2", doc.getDocumentElement().getAttribute("failures"));
    assertEquals(4, doc.getElementsByTagName("testcase").getLength());
    assertEquals(2, doc.getElementsByTagName("failure").getLength());
    String markdown = Files.readString(md);
    assertTrue(markdown.startsWith("## infercost gate: ❌ FAIL"), markdown);
    assertTrue(markdown.contains("**FAIL: 2 regressions in 4 metrics**"), markdown);
  }

  @Test
  void thresholdsComeFromTheOptions() throws Exception {
    Path base = results("base.json", 1, 1.0);
    Path cand = results("cand.json", 2, 1.2);
    String[] loose = {"--max-latency-increase", "25%", "--max-cost-increase", "25"};
    CliTest.Run r =
        gate(CliTest.concat(new String[] {cand.toString(), "--baseline", base.toString()}, loose));
    assertEquals(0, r.code(), r.err() + r.out());

    Path bigger = results("bigger.json", 1, 1.0, "AMD EPYC 7R13", 1.0, 22_929_878);
    assertEquals(1, gate(bigger.toString(), "--baseline", base.toString()).code());
    assertEquals(
        0,
        gate(bigger.toString(), "--baseline", base.toString(), "--max-size-increase", "0.001%")
            .code());
  }

  @Test
  void aSlowerHostIsNormalizedAndEveryOutputSaysSo() throws Exception {
    Path base = results("base.json", 1, 1.0);
    Path cand = results("cand.json", 2, 1.0, "Intel Xeon E5-2676", 2.0, 22_929_877);
    Path junit = tmp.resolve("gate.xml");
    Path md = tmp.resolve("gate.md");
    String said = "normalized by the reference workload: factor 2.0";
    String[] args = {
      cand.toString(),
      "--baseline",
      base.toString(),
      "--junit",
      junit.toString(),
      "--markdown",
      md.toString()
    };
    CliTest.Run table = gate(args);
    assertEquals(0, table.code(), table.err() + table.out());
    assertTrue(table.out().contains(said), table.out());
    CliTest.Run json = gate(CliTest.concat(args, "--json"));
    assertEquals(0, json.code(), json.err());
    assertTrue(json.json().get("normalization").get("applied").asBoolean());
    assertTrue(json.json().get("notes").get(0).asText().contains(said));
    assertTrue(json.err().contains(said), "notes go to stderr with --json");
    assertTrue(Files.readString(md).contains(said));
    assertTrue(Files.readString(junit).contains(said));
    xml(junit);
  }

  @Test
  void jmhResultFiles() throws Exception {
    Path base = Files.writeString(tmp.resolve("jmh-base.json"), jmh(100, 1));
    Path slower = Files.writeString(tmp.resolve("jmh-slow.json"), jmh(80, 2));
    Path same = Files.writeString(tmp.resolve("jmh-same.json"), jmh(100, 3));
    assertEquals(0, gate(same.toString(), "--baseline", base.toString()).code());
    CliTest.Run r = gate(slower.toString(), "--baseline", base.toString());
    assertEquals(1, r.code(), r.out());
    assertTrue(r.out().contains("RunBench.run[model=minilm-l6]"), r.out());
    assertTrue(r.out().contains("ops/s"), r.out());
  }

  private static String jmh(double opsPerSecond, long seed) {
    Random random = new Random(seed);
    ArrayNode root = JSON.createArrayNode();
    ObjectNode b =
        root.addObject().put("benchmark", "dev.infercost.RunBench.run").put("mode", "thrpt");
    b.putObject("params").put("model", "minilm-l6");
    ObjectNode pm =
        b.putObject("primaryMetric").put("score", opsPerSecond).put("scoreUnit", "ops/s");
    ArrayNode raw = pm.putArray("rawData");
    for (int fork = 0; fork < 2; fork++) {
      ArrayNode f = raw.addArray();
      for (int i = 0; i < 5; i++) {
        f.add(opsPerSecond * Math.exp(0.02 * random.nextGaussian()));
      }
    }
    return root.toString();
  }

  @Test
  void updateBaselineWritesTheResultsAndExitsZero() throws Exception {
    Path cand = results("cand.json", 2, 1.2);
    Path base = tmp.resolve("baseline.json");
    CliTest.Run r = gate(cand.toString(), "--baseline", base.toString(), "--update-baseline");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("baseline updated: " + base), r.out());
    assertEquals(Files.readString(cand), Files.readString(base));
    assertEquals(0, gate(cand.toString(), "--baseline", base.toString()).code());

    CliTest.Run j =
        gate(cand.toString(), "--baseline", base.toString(), "--update-baseline", "--json");
    assertEquals(0, j.code());
    assertTrue(j.json().get("updated").asBoolean());
    assertEquals(4, j.json().get("metrics").asInt());

    Path broken =
        Files.writeString(tmp.resolve("broken.json"), "{\"schema\": 1, \"kind\": \"bench\"");
    assertBadInput(
        gate(broken.toString(), "--baseline", base.toString(), "--update-baseline"),
        broken.toString());
    assertEquals(Files.readString(cand), Files.readString(base), "baseline untouched");
  }

  @Test
  void anAccuracyDropBeyondTheWholeAccuracyIsRefused() throws Exception {
    String base = results("base.json", 1, 1.0).toString();
    for (String drop : new String[] {"200%", "1.5"}) {
      assertBadInput(
          gate(base, "--baseline", base, "--max-accuracy-drop", drop),
          "more than the whole accuracy");
    }
  }

  @Test
  void malformedInputIsOneLineAndExitTwo() throws Exception {
    Path good = results("good.json", 1, 1.0);
    String base = good.toString();
    Path missing = tmp.resolve("nope.json");
    assertBadInput(gate(missing.toString(), "--baseline", base), missing + ": no such file");
    assertBadInput(gate(base, "--baseline", missing.toString()), missing.toString());
    Path notJson = Files.writeString(tmp.resolve("junk.json"), "<html>");
    assertBadInput(gate(notJson.toString(), "--baseline", base), "not valid JSON");
    Path schema = Files.writeString(tmp.resolve("v2.json"), "{\"schema\": 2, \"kind\": \"bench\"}");
    assertBadInput(gate(schema.toString(), "--baseline", base), "schema 2 is not supported");

    ObjectNode root = (ObjectNode) JSON.readTree(good.toFile());
    ObjectNode lat = (ObjectNode) root.get("entries").get(0).get("metrics").get(2);
    lat.remove("value");
    Path noValue = Files.writeString(tmp.resolve("novalue.json"), root.toString());
    assertBadInput(gate(noValue.toString(), "--baseline", base), "\"value\" must be a number");
    lat.put("value", 20);
    ((ArrayNode) lat.get("samples")).add(-3);
    Path negative = Files.writeString(tmp.resolve("negative.json"), root.toString());
    assertBadInput(gate(negative.toString(), "--baseline", base), "is negative");
    assertBadInput(gate(tmp.toString(), "--baseline", base), "is a directory");
  }

  @Test
  void verboseAddsTheStackTrace() {
    CliTest.Run r = gate(tmp.resolve("nope.json").toString(), "--baseline", "b.json", "--verbose");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("GateInputException"), r.err());
  }

  @Test
  void usageErrors() throws Exception {
    Path good = results("good.json", 1, 1.0);
    assertBadInput(gate(good.toString()), "--baseline");
    assertBadInput(
        gate(good.toString(), "--baseline", good.toString(), "--max-cost-increase", "lots"),
        "--max-cost-increase");
    assertBadInput(
        gate(good.toString(), "--baseline", good.toString(), "--max-accuracy-drop", "-0.01"),
        "negative");
  }

  @Test
  void unwritableOutputsLeaveNothingAndStdoutEmpty() throws Exception {
    Path good = results("good.json", 1, 1.0);
    Path junit = tmp.resolve("no/such/dir/gate.xml");
    CliTest.Run r =
        gate(good.toString(), "--baseline", good.toString(), "--junit", junit.toString());
    assertBadInput(r, junit.toString());
    assertFalse(Files.exists(junit));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(1, s.count(), "no temporary files");
    }
  }
}
