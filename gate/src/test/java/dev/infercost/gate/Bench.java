package dev.infercost.gate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/** Builds synthetic bench results files for the tests. */
final class Bench {
  static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode root = JSON.createObjectNode();

  private Bench() {
    root.put("schema", 1).put("kind", "bench").put("createdAt", "2026-11-23T14:00:00Z");
    host("AMD EPYC 7R13", 2, 1);
    root.putArray("entries");
  }

  static Bench file() {
    return new Bench();
  }

  Bench host(String cpu, int cores, int threads) {
    ObjectNode p = root.putObject("provenance");
    p.put("gitCommit", "abc123").put("threads", threads).put("infercost", "dev");
    p.putObject("host").put("cpuModel", cpu).put("logicalCores", cores);
    return this;
  }

  Bench reference(double... samples) {
    ObjectNode r = root.putObject("reference").put("name", "reference-workload").put("unit", "ms");
    ArrayNode a = r.putArray("samples");
    Arrays.stream(samples).forEach(a::add);
    return this;
  }

  Bench entry(String name, ObjectNode... metrics) {
    ObjectNode e = ((ArrayNode) root.get("entries")).addObject();
    e.put("name", name).put("model", name.split("/")[0]).put("variant", "int8-dynamic");
    ArrayNode m = e.putArray("metrics");
    Arrays.stream(metrics).forEach(m::add);
    return this;
  }

  ObjectNode node() {
    return root;
  }

  String json() {
    return root.toPrettyString();
  }

  BenchResults parse(String source) throws GateInputException {
    return Gate.parse(json(), source);
  }

  Path write(Path file) throws IOException {
    return Files.writeString(file, json());
  }

  static ObjectNode timing(String name, double... samples) {
    ObjectNode m = JSON.createObjectNode();
    m.put("name", name)
        .put("unit", name.startsWith("cost.") ? "USD per 1M inferences" : "ms")
        .put("kind", "timing")
        .put("better", "lower")
        .put("value", samples.length == 0 ? 0 : Stats.median(samples));
    ArrayNode a = m.putArray("samples");
    Arrays.stream(samples).forEach(a::add);
    return m;
  }

  static ObjectNode deterministic(String name, String unit, String better, double value) {
    return JSON.createObjectNode()
        .put("name", name)
        .put("unit", unit)
        .put("kind", "deterministic")
        .put("better", better)
        .put("value", value);
  }

  static ObjectNode size(long bytes) {
    return deterministic("size", "bytes", "lower", bytes);
  }

  static ObjectNode macs(long macs) {
    return deterministic("macs", "MAC", "lower", macs);
  }

  static ObjectNode accuracy(double v) {
    return deterministic("accuracy", "fraction", "higher", v);
  }

  /** {@code n} lognormal samples: median {@code median}, log-spread {@code sigma}. */
  static double[] lognormal(long seed, int n, double median, double sigma) {
    Random r = new Random(seed);
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      s[i] = median * Math.exp(sigma * r.nextGaussian());
    }
    return s;
  }

  static double[] times(double[] s, double k) {
    return Arrays.stream(s).map(v -> v * k).toArray();
  }
}
