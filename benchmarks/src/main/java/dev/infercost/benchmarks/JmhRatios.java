package dev.infercost.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints, per parameter set, the ratio of each benchmark's score to a baseline benchmark's score
 * from a JMH JSON result file: {@code JmhRatios results.json bareOrtLoop}.
 */
public final class JmhRatios {
  private JmhRatios() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: JmhRatios RESULTS.json BASELINE_METHOD");
      System.exit(2);
    }
    JsonNode root = new ObjectMapper().readTree(Path.of(args[0]).toFile());
    Map<String, Map<String, double[]>> byParams = new TreeMap<>();
    for (JsonNode r : root) {
      String name = r.get("benchmark").asText();
      String method = name.substring(name.lastIndexOf('.') + 1);
      String params = r.has("params") ? r.get("params").toString() : "{}";
      JsonNode m = r.get("primaryMetric");
      byParams
          .computeIfAbsent(params, k -> new TreeMap<>())
          .put(method, new double[] {m.get("score").asDouble(), m.get("scoreError").asDouble()});
    }
    byParams.forEach(
        (params, methods) -> {
          double[] base = methods.get(args[1]);
          if (base == null) {
            return;
          }
          methods.forEach(
              (method, s) -> {
                if (!method.equals(args[1])) {
                  System.out.printf(
                      Locale.ROOT,
                      "%s %s / %s = %.4f  (%.4f ± %.4f vs %.4f ± %.4f)%n",
                      params,
                      method,
                      args[1],
                      s[0] / base[0],
                      s[0],
                      s[1],
                      base[0],
                      base[1]);
                }
              });
        });
  }
}
