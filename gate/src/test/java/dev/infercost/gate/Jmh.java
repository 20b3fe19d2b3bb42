package dev.infercost.gate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Synthetic JMH {@code -rf json} result files. */
final class Jmh {
  private Jmh() {}

  static String throughput(String unit, double center, long seed) {
    return file("thrpt", unit, center, seed);
  }

  static String averageTime(String unit, double center, long seed) {
    return file("avgt", unit, center, seed);
  }

  private static String file(String mode, String unit, double center, long seed) {
    ArrayNode root = Bench.JSON.createArrayNode();
    ObjectNode b = root.addObject();
    b.put("jmhVersion", "1.37")
        .put("benchmark", "dev.infercost.benchmarks.RunBench.run")
        .put("mode", mode)
        .put("threads", 1)
        .put("forks", 2);
    b.putObject("params").put("model", "minilm-l6").put("batch", "1");
    ObjectNode pm = b.putObject("primaryMetric");
    double[] s = Bench.lognormal(seed, 10, center, 0.02);
    pm.put("score", Stats.median(s)).put("scoreError", 0.5).put("scoreUnit", unit);
    ArrayNode raw = pm.putArray("rawData");
    for (int fork = 0; fork < 2; fork++) {
      ArrayNode f = raw.addArray();
      for (int i = 0; i < 5; i++) {
        f.add(s[fork * 5 + i]);
      }
    }
    b.putObject("secondaryMetrics");
    return root.toPrettyString();
  }
}
