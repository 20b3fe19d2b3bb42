package dev.infercost.gate;

import static dev.infercost.gate.Bench.lognormal;
import static dev.infercost.gate.Bench.size;
import static dev.infercost.gate.Bench.times;
import static dev.infercost.gate.Bench.timing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infercost.gate.GateReport.Comparison;
import dev.infercost.gate.GateReport.Method;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Entries timed in alternating rounds with a baseline model are judged by paired ratios. */
class PairedGateTest {
  private static final String E = "minilm-l6/fp32";

  /**
   * Per-round medians of a machine whose speed drifts from round to round by {@code drift} (a
   * common factor for both sides of a round) with independent noise {@code noise} per side.
   */
  private static double[][] rounds(long seed, int n, double slowdown, double drift, double noise) {
    Random r = new Random(seed);
    double[] c = new double[n];
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      double machine = Math.exp(drift * r.nextGaussian());
      b[i] = 20 * machine * Math.exp(noise * r.nextGaussian());
      c[i] = 20 * slowdown * machine * Math.exp(noise * r.nextGaussian());
    }
    return new double[][] {c, b};
  }

  private static Bench withPaired(double[] latency, double[][] rounds) {
    Bench f =
        Bench.file()
            .entry(
                E,
                size(90_000_000),
                timing("latency.p50", latency),
                timing("cost.aws-c6a.large", times(latency, 0.0321)));
    ObjectNode e = (ObjectNode) f.node().get("entries").get(0);
    ObjectNode p = e.putObject("paired").put("baseline", "minilm-l6").put("clock", "thread-cpu");
    ArrayNode c = p.putArray("candidateMs");
    Arrays.stream(rounds[0]).forEach(c::add);
    ArrayNode b = p.putArray("baselineMs");
    Arrays.stream(rounds[1]).forEach(b::add);
    return f;
  }

  private static GateReport gate(Bench results, Bench baseline) throws GateInputException {
    return Gate.compare(
        results.parse("results.json"), baseline.parse("baseline.json"), Thresholds.DEFAULTS);
  }

  private static Comparison row(GateReport r, String metric) {
    return r.comparisons().stream()
        .filter(c -> c.metric().equals(metric))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aTenPercentSlowdownIsCaughtWhateverTheDrift() throws Exception {
    // The run is 30% slower overall than the baseline file's (a busy machine): unpaired, that
    // alone would fail; paired, only the 10% between the two models counts.
    Bench baseline = withPaired(lognormal(1, 100, 20, 0.03), rounds(2, 20, 1.0, 0.1, 0.02));
    for (long seed = 10; seed < 30; seed++) {
      Bench results =
          withPaired(lognormal(seed, 100, 26 * 1.1, 0.03), rounds(seed, 20, 1.10, 0.15, 0.02));
      GateReport r = gate(results, baseline);
      Comparison l = row(r, "latency.p50");
      assertEquals(Method.PAIRED, l.method());
      assertFalse(r.passed(), () -> "missed a 10% slowdown: " + l);
      assertEquals(1.10, l.ratio(), 0.03, l::toString);
      assertTrue(l.detail().contains("paired with minilm-l6"), l::detail);
      assertFalse(row(r, "cost.aws-c6a.large").verdict() == GateReport.Verdict.PASS);
    }
  }

  @Test
  void anAaRunUnderHeavyDriftPasses() throws Exception {
    Bench baseline = withPaired(lognormal(1, 100, 20, 0.03), rounds(2, 20, 1.0, 0.1, 0.02));
    int alarms = 0;
    for (long seed = 100; seed < 140; seed++) {
      // 30% slower machine, large round-to-round drift: nothing changed between the models.
      Bench results = withPaired(lognormal(seed, 100, 26, 0.2), rounds(seed, 20, 1.0, 0.3, 0.02));
      GateReport r = gate(results, baseline);
      assertEquals(Method.PAIRED, row(r, "latency.p50").method());
      alarms += r.passed() ? 0 : 1;
    }
    assertEquals(0, alarms, "false alarms on A/A runs");
  }

  @Test
  void theUnpairedGateWouldHaveFailedTheSameAaRun() throws Exception {
    // The contrast that motivates pairing: the same 30% machine slowdown, judged by timings alone.
    Bench baseline = Bench.file().entry(E, timing("latency.p50", lognormal(1, 100, 20, 0.03)));
    Bench results = Bench.file().entry(E, timing("latency.p50", lognormal(7, 100, 26, 0.03)));
    GateReport r = gate(results, baseline);
    assertEquals(Method.BOOTSTRAP, row(r, "latency.p50").method());
    assertFalse(r.passed());
  }

  @Test
  void throughputIsJudgedInItsOwnDirection() throws Exception {
    double[] lat = lognormal(3, 60, 22, 0.02);
    Bench results = withPaired(lat, rounds(3, 20, 1.10, 0.05, 0.01));
    ObjectNode thr = timing("throughput", Arrays.stream(lat).map(v -> 1000 / v).toArray());
    thr.put("better", "higher").put("unit", "inferences/s");
    ((ArrayNode) results.node().get("entries").get(0).get("metrics")).add(thr);
    Bench baseline = withPaired(lat, rounds(4, 20, 1.0, 0.05, 0.01));
    ((ArrayNode) baseline.node().get("entries").get(0).get("metrics")).add(thr.deepCopy());
    Comparison t = row(gate(results, baseline), "throughput");
    assertEquals(Method.PAIRED, t.method());
    assertEquals(GateReport.Verdict.FAIL, t.verdict());
    assertTrue(t.change() < -0.05, t::toString);
  }

  @Test
  void pairedRoundsAreValidatedWithOneLine() {
    Bench f = withPaired(lognormal(1, 10, 20, 0.03), new double[][] {{1, 2, 3}, {1, 2}});
    GateInputException e = assertThrows(GateInputException.class, () -> f.parse("r.json"));
    assertTrue(e.getMessage().contains("paired") && !e.getMessage().contains("\n"), e::getMessage);
    Bench zero = withPaired(lognormal(1, 10, 20, 0.03), new double[][] {{1, 0}, {1, 2}});
    assertThrows(GateInputException.class, () -> zero.parse("r.json"));
    Bench clock = withPaired(lognormal(1, 10, 20, 0.03), new double[][] {{1, 2}, {1, 2}});
    ((ObjectNode) clock.node().get("entries").get(0).get("paired")).put("clock", "sundial");
    assertThrows(GateInputException.class, () -> clock.parse("r.json"));
  }

  @Test
  void pairedRoundsSurviveTheWriteReadTrip() throws Exception {
    BenchResults r = withPaired(lognormal(1, 10, 20, 0.03), rounds(1, 6, 1, 0, 0.01)).parse("a");
    BenchResults back = Gate.parse(Gate.toJson(r).toPrettyString(), "b");
    assertEquals(r.entries().get(0).paired(), back.entries().get(0).paired());
    assertTrue(Gate.toJson(Bench.file().entry(E).parse("c")).toString().indexOf("paired") < 0);
  }
}
