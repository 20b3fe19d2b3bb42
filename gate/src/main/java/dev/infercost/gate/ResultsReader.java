package dev.infercost.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.infercost.base.HostFingerprint;
import dev.infercost.base.StrictJson;
import dev.infercost.gate.BenchResults.Better;
import dev.infercost.gate.BenchResults.Entry;
import dev.infercost.gate.BenchResults.Format;
import dev.infercost.gate.BenchResults.Host;
import dev.infercost.gate.BenchResults.Kind;
import dev.infercost.gate.BenchResults.Metric;
import dev.infercost.gate.BenchResults.Paired;
import dev.infercost.gate.BenchResults.Provenance;
import dev.infercost.gate.BenchResults.Reference;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads bench results and JMH result files into {@link BenchResults}, validating everything the
 * gate relies on so that a bad file fails here, with its name and the offending field, and never
 * later with a wrong verdict.
 */
final class ResultsReader {
  private final String source;

  private ResultsReader(String source) {
    this.source = source;
  }

  static BenchResults read(Path file) throws GateInputException {
    if (Files.isDirectory(file)) {
      throw GateInputException.of(file, "is a directory; pass a results JSON file");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw GateInputException.of(file, "no such file", e);
    } catch (AccessDeniedException e) {
      throw GateInputException.of(file, "cannot read: permission denied", e);
    } catch (IOException e) {
      throw GateInputException.of(file, "cannot read: " + e.getMessage(), e);
    }
    return parse(bytes, file.toString());
  }

  static BenchResults parse(byte[] json, String source) throws GateInputException {
    JsonNode root;
    try {
      root = StrictJson.reader().readTree(json);
    } catch (JsonProcessingException e) {
      throw new GateInputException(StrictJson.notValid(source, e), e);
    } catch (IOException e) {
      throw new GateInputException(source + ": cannot read: " + e.getMessage(), e);
    }
    ResultsReader r = new ResultsReader(source);
    if (root == null || root.isMissingNode()) {
      throw r.bad("empty file; expected infercost bench results or a JMH result file");
    }
    if (root.isArray()) {
      return r.jmh(root);
    }
    if (!root.isObject()) {
      throw r.bad(
          "expected a JSON object (infercost bench results) or an array (JMH results), got "
              + describe(root));
    }
    return r.bench(root);
  }

  // ---- infercost bench results ----

  private BenchResults bench(JsonNode root) throws GateInputException {
    JsonNode schema = root.get("schema");
    if (schema == null) {
      throw bad(
          "no \"schema\" field; expected infercost bench results (\"schema\": 1, \"kind\":"
              + " \"bench\") or a JMH result file");
    }
    if (!schema.isIntegralNumber() || schema.asInt() != BenchResults.SCHEMA) {
      throw bad(
          "schema "
              + schema
              + " is not supported (this infercost reads schema "
              + BenchResults.SCHEMA
              + "); regenerate it with this version of infercost bench");
    }
    String kind = text(root, "kind", "", true);
    if (!Format.BENCH.json().equals(kind)) {
      throw bad(
          "\"kind\": \""
              + kind
              + "\" is not bench results; pass the file infercost bench wrote (\"kind\": \"bench\")");
    }
    String createdAt = text(root, "createdAt", "", false);
    Provenance provenance = provenance(root.get("provenance"));
    Reference reference = reference(root.get("reference"));
    JsonNode entries = root.get("entries");
    if (entries == null || !entries.isArray()) {
      throw bad("\"entries\" must be an array of benchmark entries");
    }
    List<Entry> list = new ArrayList<>();
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      String at = "entries[" + i + "]";
      Entry e = entry(entries.get(i), at);
      Integer before = seen.put(e.name(), i);
      if (before != null) {
        throw bad(at + ": entry name '" + e.name() + "' already used by entries[" + before + "]");
      }
      list.add(e);
    }
    return new BenchResults(source, Format.BENCH, createdAt, provenance, reference, list);
  }

  private Provenance provenance(JsonNode p) throws GateInputException {
    if (p == null || p.isNull()) {
      return null;
    }
    if (!p.isObject()) {
      throw bad("\"provenance\" must be an object, got " + describe(p));
    }
    Host host = null;
    JsonNode h = p.get("host");
    if (h != null && !h.isNull()) {
      if (!h.isObject()) {
        throw bad("provenance.host must be an object, got " + describe(h));
      }
      host =
          new Host(
              text(h, "cpuModel", "provenance.host.", false),
              integer(h, "logicalCores", "provenance.host."),
              texts(h, "cpuFeatures", "provenance.host."),
              text(h, "os", "provenance.host.", false),
              text(h, "arch", "provenance.host.", false));
    }
    return new Provenance(
        text(p, "gitCommit", "provenance.", false),
        host,
        integer(p, "threads", "provenance."),
        text(p, "infercost", "provenance.", false),
        text(p, "onnxRuntime", "provenance.", false),
        text(p, "java", "provenance.", false),
        text(p, "suite", "provenance.", false),
        fingerprint(p.get("fingerprint")));
  }

  private HostFingerprint fingerprint(JsonNode f) throws GateInputException {
    if (f == null || f.isNull()) {
      return null;
    }
    try {
      return HostFingerprint.fromJson(f, "provenance.fingerprint");
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
  }

  private Reference reference(JsonNode r) throws GateInputException {
    if (r == null || r.isNull()) {
      return null;
    }
    if (!r.isObject()) {
      throw bad("\"reference\" must be an object, got " + describe(r));
    }
    List<Double> samples = samples(r.get("samples"), "reference.samples");
    return new Reference(
        text(r, "name", "reference.", false), text(r, "unit", "reference.", false), samples);
  }

  private Entry entry(JsonNode e, String at) throws GateInputException {
    if (e == null || !e.isObject()) {
      throw bad(at + " must be an object, got " + describe(e));
    }
    String name = text(e, "name", at + ".", true);
    if (name.isBlank()) {
      throw bad(at + ".name is empty");
    }
    String where = at + " ('" + name + "')";
    JsonNode metrics = e.get("metrics");
    if (metrics == null || !metrics.isArray()) {
      throw bad(where + ": \"metrics\" must be an array");
    }
    List<Metric> list = new ArrayList<>();
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (int i = 0; i < metrics.size(); i++) {
      Metric m = metric(metrics.get(i), where + ".metrics[" + i + "]");
      Integer before = seen.put(m.name(), i);
      if (before != null) {
        throw bad(
            where
                + ".metrics["
                + i
                + "]: metric '"
                + m.name()
                + "' already in metrics["
                + before
                + "]");
      }
      list.add(m);
    }
    String sha = text(e, "modelSha256", at + ".", false);
    if (sha != null && !sha.matches("[0-9a-f]{64}")) {
      throw bad(where + ": \"modelSha256\" must be 64 lower-case hex digits");
    }
    Integer batch = integer(e, "batch", at + ".");
    if (batch != null && batch < 1) {
      throw bad(where + ": \"batch\" must be >= 1, got " + batch);
    }
    return new Entry(
        name,
        text(e, "model", at + ".", false),
        text(e, "variant", at + ".", false),
        sha,
        batch,
        list,
        paired(e.get("paired"), where + ".paired"));
  }

  private Paired paired(JsonNode p, String at) throws GateInputException {
    if (p == null || p.isNull()) {
      return null;
    }
    if (!p.isObject()) {
      throw bad(at + " must be an object, got " + describe(p));
    }
    String baseline = text(p, "baseline", at + ".", true);
    String clock = text(p, "clock", at + ".", false);
    clock = clock == null ? Paired.WALL : clock;
    if (!clock.equals(Paired.WALL) && !clock.equals(Paired.THREAD_CPU)) {
      throw bad(at + ".clock: \"" + clock + "\" is unknown; use wall or thread-cpu");
    }
    List<Double> c = samples(p.get("candidateMs"), at + ".candidateMs");
    List<Double> b = samples(p.get("baselineMs"), at + ".baselineMs");
    if (c.size() != b.size() || c.isEmpty()) {
      throw bad(
          at
              + ": candidateMs and baselineMs must hold one median per round each, got "
              + c.size()
              + " and "
              + b.size());
    }
    if (c.contains(0.0) || b.contains(0.0)) {
      throw bad(at + ": a round median is 0 ms; paired ratios need positive timings");
    }
    return new Paired(baseline, clock, c, b);
  }

  private Metric metric(JsonNode m, String at) throws GateInputException {
    if (m == null || !m.isObject()) {
      throw bad(at + " must be an object, got " + describe(m));
    }
    String name = text(m, "name", at + ".", true);
    if (name.isBlank()) {
      throw bad(at + ".name is empty");
    }
    String where = at + " ('" + name + "')";
    String unit = text(m, "unit", where + ".", false);
    String kindText = text(m, "kind", where + ".", true);
    Kind kind =
        switch (kindText) {
          case "deterministic" -> Kind.DETERMINISTIC;
          case "timing" -> Kind.TIMING;
          default ->
              throw bad(
                  where
                      + ": \"kind\": \""
                      + kindText
                      + "\" is unknown; use deterministic or timing");
        };
    String betterText = text(m, "better", where + ".", true);
    Better better =
        switch (betterText) {
          case "lower" -> Better.LOWER;
          case "higher" -> Better.HIGHER;
          default ->
              throw bad(
                  where + ": \"better\": \"" + betterText + "\" is unknown; use lower or higher");
        };
    JsonNode value = m.get("value");
    if (value == null || !value.isNumber()) {
      throw bad(
          where
              + ": \"value\" must be a number, got "
              + describe(value)
              + (kind == Kind.TIMING ? " (a timing metric needs its measured value)" : ""));
    }
    double v = value.asDouble();
    if (!Double.isFinite(v)) {
      throw bad(where + ": \"value\" " + value + " is not a finite number");
    }
    if (kind == Kind.TIMING && v < 0) {
      throw bad(where + ": \"value\" " + value + " is negative; a timing cannot be");
    }
    List<Double> samples = samples(m.get("samples"), where + ".samples");
    return new Metric(
        name, unit == null ? "" : unit, kind, better, v, samples, text(m, "provenance", "", false));
  }

  // ---- JMH ----

  private BenchResults jmh(JsonNode root) throws GateInputException {
    Map<String, List<Metric>> entries = new LinkedHashMap<>();
    for (int i = 0; i < root.size(); i++) {
      JsonNode b = root.get(i);
      String at = "[" + i + "]";
      if (!b.isObject()) {
        throw bad(at + " must be a JMH benchmark result object, got " + describe(b));
      }
      String benchmark = text(b, "benchmark", at + ".", true);
      if (benchmark.isBlank()) {
        throw bad(at + ".benchmark is empty");
      }
      String name = benchmark + params(b.get("params"), at);
      String where = at + " ('" + name + "')";
      String mode = text(b, "mode", where + ".", false);
      JsonNode pm = b.get("primaryMetric");
      if (pm == null || !pm.isObject()) {
        throw bad(where + ": \"primaryMetric\" must be an object; is this a JMH -rf json file?");
      }
      JsonNode score = pm.get("score");
      if (score == null || !score.isNumber() || !Double.isFinite(score.asDouble())) {
        throw bad(where + ": primaryMetric.score must be a number, got " + describe(score));
      }
      if (score.asDouble() < 0) {
        throw bad(where + ": primaryMetric.score " + score + " is negative");
      }
      String unit = text(pm, "scoreUnit", where + ".primaryMetric.", false);
      unit = unit == null ? "" : unit;
      List<Double> samples = new ArrayList<>();
      JsonNode raw = pm.get("rawData");
      if (raw != null && !raw.isNull()) {
        if (!raw.isArray()) {
          throw bad(where + ": primaryMetric.rawData must be an array of arrays (one per fork)");
        }
        for (int f = 0; f < raw.size(); f++) {
          samples.addAll(samples(raw.get(f), where + ".primaryMetric.rawData[" + f + "]"));
        }
      }
      // Throughput (ops/s, ops/ms, ...) is better higher; times per operation are better lower.
      Better better = unit.contains("ops/") ? Better.HIGHER : Better.LOWER;
      String metricName = mode == null || mode.isBlank() ? "score" : mode;
      List<Metric> metrics = entries.computeIfAbsent(name, k -> new ArrayList<>());
      for (Metric m : metrics) {
        if (m.name().equals(metricName)) {
          throw bad(where + ": benchmark and mode '" + metricName + "' appear twice");
        }
      }
      metrics.add(
          new Metric(
              metricName, unit, Kind.TIMING, better, score.asDouble(), samples, "measured (JMH)"));
    }
    List<Entry> list = new ArrayList<>();
    entries.forEach((name, metrics) -> list.add(new Entry(name, null, null, metrics)));
    return new BenchResults(source, Format.JMH, null, null, null, list);
  }

  /** {@code [batch=1,model=minilm]} in the file's order, or empty without params. */
  private String params(JsonNode p, String at) throws GateInputException {
    if (p == null || p.isNull() || p.isEmpty()) {
      return "";
    }
    if (!p.isObject()) {
      throw bad(at + ".params must be an object, got " + describe(p));
    }
    StringBuilder b = new StringBuilder("[");
    Iterator<Map.Entry<String, JsonNode>> it = p.properties().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      b.append(e.getKey()).append('=').append(e.getValue().asText());
      if (it.hasNext()) {
        b.append(',');
      }
    }
    return b.append(']').toString();
  }

  // ---- fields ----

  private List<Double> samples(JsonNode s, String at) throws GateInputException {
    if (s == null || s.isNull()) {
      return List.of();
    }
    if (!s.isArray()) {
      throw bad(at + " must be an array of numbers, got " + describe(s));
    }
    List<Double> out = new ArrayList<>(s.size());
    for (int i = 0; i < s.size(); i++) {
      JsonNode v = s.get(i);
      if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
        throw bad(at + "[" + i + "] must be a number, got " + describe(v));
      }
      if (v.asDouble() < 0) {
        throw bad(at + "[" + i + "] is negative (" + v + "); timings cannot be");
      }
      out.add(v.asDouble());
    }
    return out;
  }

  private String text(JsonNode o, String field, String at, boolean required)
      throws GateInputException {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw bad(at + field + " is missing");
      }
      return null;
    }
    if (!v.isValueNode() || v.isBinary()) {
      throw bad(at + field + " must be a string, got " + describe(v));
    }
    if (required && !v.isTextual()) {
      throw bad(at + field + " must be a string, got " + describe(v));
    }
    return v.asText();
  }

  /** An optional array of strings; empty when absent. */
  private List<String> texts(JsonNode o, String field, String at) throws GateInputException {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw bad(at + field + " must be an array of strings, got " + describe(v));
    }
    List<String> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isTextual()) {
        throw bad(at + field + "[" + i + "] must be a string, got " + describe(v.get(i)));
      }
      out.add(v.get(i).asText());
    }
    return out;
  }

  private Integer integer(JsonNode o, String field, String at) throws GateInputException {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw bad(at + field + " must be an integer, got " + describe(v));
    }
    return v.asInt();
  }

  private GateInputException bad(String problem) {
    return GateInputException.of(source, problem);
  }

  private static String describe(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    String s = v.isContainerNode() ? v.getNodeType().name().toLowerCase(Locale.ROOT) : v.toString();
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
