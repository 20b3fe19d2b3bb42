package dev.infercost.gate;

import static dev.infercost.gate.Bench.accuracy;
import static dev.infercost.gate.Bench.deterministic;
import static dev.infercost.gate.Bench.lognormal;
import static dev.infercost.gate.Bench.macs;
import static dev.infercost.gate.Bench.size;
import static dev.infercost.gate.Bench.times;
import static dev.infercost.gate.Bench.timing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infercost.gate.GateReport.Comparison;
import dev.infercost.gate.GateReport.Method;
import dev.infercost.gate.GateReport.Verdict;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GateTest {
  private static final String E = "minilm-l6/int8";

  /** A whole entry as bench writes it: size, MACs, accuracy, latency and cost (latency-derived). */
  private static Bench typical(double[] latency) {
    return Bench.file()
        .entry(
            E,
            size(22_929_877),
            macs(1_434_451_968L),
            accuracy(0.9711),
            timing("latency.p50", latency),
            timing("cost.aws-c6a.large", times(latency, 0.0321)));
  }

  private static GateReport compare(Bench results, Bench baseline, Thresholds t)
      throws GateInputException {
    return Gate.compare(results.parse("results.json"), baseline.parse("baseline.json"), t);
  }

  private static GateReport compare(Bench results, Bench baseline) throws GateInputException {
    return compare(results, baseline, Thresholds.DEFAULTS);
  }

  private static Comparison row(GateReport r, String entry, String metric) {
    return r.comparisons().stream()
        .filter(c -> c.entry().equals(entry) && c.metric().equals(metric))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row " + entry + " / " + metric + " in " + r));
  }

  private static Comparison latency(GateReport r) {
    return row(r, E, "latency.p50");
  }

  @Test
  void identicalFilesPass() throws Exception {
    Bench b = typical(lognormal(1, 100, 20, 0.03));
    GateReport r = compare(b, b);
    assertTrue(r.passed(), r::toString);
    assertEquals(5, r.counts().passed());
    assertEquals(0, r.counts().failed() + r.counts().missing() + r.counts().added());
    Comparison l = latency(r);
    assertEquals(Method.BOOTSTRAP, l.method());
    assertEquals(1.0, l.ratio(), 0);
    assertEquals(0.0, l.change(), 0);
    assertTrue(l.ratioCiLow() <= 1 && l.ratioCiHigh() >= 1, l::toString);
    assertEquals(Method.EXACT, row(r, E, "size").method());
    assertEquals("unchanged", row(r, E, "size").detail());
    assertFalse(r.normalization().hostsDiffer());
    assertTrue(r.notes().isEmpty(), r.notes()::toString);
  }

  @Test
  void pureNoiseNeverFailsAcrossFiftySeeds() throws Exception {
    for (int seed = 0; seed < 50; seed++) {
      Bench base = typical(lognormal(seed, 100, 20, 0.03));
      Bench cand = typical(lognormal(1000 + seed, 100, 20, 0.03));
      GateReport r = compare(cand, base);
      int s = seed;
      assertTrue(r.passed(), () -> "seed " + s + ": " + r.regressions());
      assertTrue(Math.abs(latency(r).ratio() - 1) < 0.02, () -> "seed " + s + ": " + latency(r));
    }
  }

  @Test
  void aTwentyPercentSlowdownFails() throws Exception {
    double[] base = lognormal(1, 100, 20, 0.03);
    GateReport r = compare(typical(times(lognormal(2, 100, 20, 0.03), 1.2)), typical(base));
    assertFalse(r.passed());
    Comparison l = latency(r);
    assertEquals(Verdict.FAIL, l.verdict(), l::toString);
    assertEquals(1.2, l.ratio(), 0.02);
    assertTrue(l.ratioCiLow() > 1.15 && l.ratioCiHigh() < 1.25, l::toString);
    assertEquals(l.ratio() - 1, l.change(), 1e-12, "better=lower: change = ratio - 1");
    assertTrue(l.detail().startsWith("regression: worse by"), l.detail());
    // Cost follows latency and has its own threshold.
    assertEquals(Verdict.FAIL, row(r, E, "cost.aws-c6a.large").verdict());
    assertEquals(2, r.counts().failed());
    assertTrue(r.headline().startsWith("FAIL: 2 regressions"), r.headline());
  }

  @Test
  void aThreePercentSlowdownPassesAFivePercentThreshold() throws Exception {
    double[] base = lognormal(1, 100, 20, 0.03);
    GateReport r = compare(typical(times(lognormal(2, 100, 20, 0.03), 1.03)), typical(base));
    Comparison l = latency(r);
    assertEquals(Verdict.PASS, l.verdict(), l::toString);
    // Real, but within the threshold.
    assertTrue(l.ratioCiLow() > 1, l::toString);
    assertTrue(l.detail().contains("within the 5% allowed"), l.detail());
    assertTrue(r.passed());

    // The same slowdown fails a 1% threshold: it is beyond it and statistically real.
    GateReport strict =
        compare(
            typical(times(lognormal(2, 100, 20, 0.03), 1.03)),
            typical(base),
            Thresholds.DEFAULTS.withMaxLatencyIncrease(0.01).withMaxCostIncrease(0.01));
    assertEquals(Verdict.FAIL, latency(strict).verdict());
  }

  @Test
  void aSlowdownBeyondTheThresholdButWithinTheNoisePasses() throws Exception {
    // Ten samples spread 10..28 ms: the median moves by 10% but its interval includes no change.
    double[] base = {10, 12, 14, 16, 18, 20, 22, 24, 26, 28};
    double[] cand = {11, 13, 15, 17, 19, 22, 24, 26, 28, 30};
    GateReport r =
        compare(
            Bench.file().entry(E, timing("latency.p50", cand)),
            Bench.file().entry(E, timing("latency.p50", base)));
    Comparison l = latency(r);
    assertTrue(l.ratio() > 1.05, l::toString);
    assertTrue(l.ratioCiLow() <= 1, l::toString);
    assertEquals(Verdict.PASS, l.verdict());
    assertTrue(l.detail().contains("within noise"), l.detail());
  }

  @Test
  void fewerThanFiveSamplesFallsBackToPointValues() throws Exception {
    GateReport r =
        compare(
            Bench.file().entry(E, timing("latency.p50", 22, 22.1, 21.9)),
            Bench.file().entry(E, timing("latency.p50", 20, 20.1, 19.9)));
    Comparison l = latency(r);
    assertEquals(Method.POINT, l.method());
    assertEquals(Verdict.FAIL, l.verdict());
    assertEquals(1.1, l.ratio(), 1e-9);
    assertNull(l.ratioCiLow());
    assertEquals("", l.ciText());
    assertTrue(l.detail().contains("fewer than 5 samples (3 baseline, 3 candidate)"), l.detail());
    assertTrue(r.notes().stream().anyMatch(n -> n.contains("fewer than 5")), r.notes()::toString);

    GateReport small =
        compare(
            Bench.file().entry(E, timing("latency.p50", 20.6)),
            Bench.file().entry(E, timing("latency.p50", 20, 20.1, 19.9, 20, 20)));
    assertEquals(Method.POINT, latency(small).method());
    assertEquals(Verdict.PASS, latency(small).verdict(), "3% < 5%");
  }

  @Test
  void sizeOneByteLargerFailsAtZeroPercent() throws Exception {
    GateReport r =
        compare(Bench.file().entry(E, size(22_929_878)), Bench.file().entry(E, size(22_929_877)));
    Comparison s = row(r, E, "size");
    assertEquals(Verdict.FAIL, s.verdict());
    assertEquals("22,929,877", s.baselineText());
    assertEquals("22,929,878", s.candidateText());
    assertTrue(s.detail().startsWith("grew by 1 bytes"), s.detail());
    assertFalse(r.passed());

    Thresholds onePercent = Thresholds.DEFAULTS.withMaxSizeIncrease(0.01);
    assertTrue(
        compare(Bench.file().entry(E, size(1_009)), Bench.file().entry(E, size(1_000)), onePercent)
            .passed());
    assertFalse(
        compare(Bench.file().entry(E, size(1_011)), Bench.file().entry(E, size(1_000)), onePercent)
            .passed());
    assertTrue(
        compare(Bench.file().entry(E, size(900)), Bench.file().entry(E, size(1_000))).passed(),
        "smaller is fine");
  }

  @Test
  void macsFollowTheirOwnThreshold() throws Exception {
    Bench base = Bench.file().entry(E, macs(1_000_000));
    Bench cand = Bench.file().entry(E, macs(1_040_000));
    assertFalse(compare(cand, base).passed());
    assertTrue(compare(cand, base, Thresholds.DEFAULTS.withMaxMacsIncrease(0.05)).passed());
    assertFalse(
        compare(cand, base, Thresholds.DEFAULTS.withMaxSizeIncrease(0.05)).passed(),
        "the size threshold does not apply to MACs");
  }

  @Test
  void accuracyDropsAreAbsolute() throws Exception {
    Thresholds max001 = Thresholds.DEFAULTS.withMaxAccuracyDrop(0.01);
    Bench base = Bench.file().entry(E, accuracy(0.9711));
    GateReport r = compare(Bench.file().entry(E, accuracy(0.9511)), base, max001);
    Comparison a = row(r, E, "accuracy");
    assertEquals(Verdict.FAIL, a.verdict());
    assertTrue(a.detail().startsWith("dropped by 0.02"), a.detail());
    // Exactly at the bound passes despite 0.9711 - 0.9611 not being exactly 0.01 in binary.
    assertTrue(compare(Bench.file().entry(E, accuracy(0.9611)), base, max001).passed());
    assertTrue(compare(Bench.file().entry(E, accuracy(0.99)), base).passed(), "a rise is fine");
    assertFalse(compare(Bench.file().entry(E, accuracy(0.9710)), base).passed(), "default 0");
  }

  @Test
  void otherDeterministicMetricsMayNotWorsenAtAll() throws Exception {
    Bench base =
        Bench.file()
            .entry(
                E,
                deterministic("params", "count", "lower", 100),
                deterministic("top1", "fraction", "higher", 0.9));
    GateReport r =
        compare(
            Bench.file()
                .entry(
                    E,
                    deterministic("params", "count", "lower", 101),
                    deterministic("top1", "fraction", "higher", 0.95)),
            base,
            new Thresholds(1, 1, 1, 1, 1));
    assertEquals(Verdict.FAIL, row(r, E, "params").verdict());
    assertEquals(Verdict.PASS, row(r, E, "top1").verdict());
  }

  @Test
  void aMissingEntryOrMetricFails() throws Exception {
    double[] l = lognormal(1, 50, 20, 0.03);
    Bench base = typical(l).entry("digits-cnn/fp32", size(1000), timing("latency.p50", l));
    GateReport r = compare(typical(l), base);
    assertFalse(r.passed());
    assertEquals(2, r.counts().missing());
    assertEquals(Verdict.MISSING, row(r, "digits-cnn/fp32", "size").verdict());
    assertEquals("entry missing from results", row(r, "digits-cnn/fp32", "size").detail());
    assertEquals(1000.0, row(r, "digits-cnn/fp32", "size").baseline());
    assertEquals("FAIL: 2 missing in 7 metrics", r.headline());

    GateReport m = compare(Bench.file().entry(E, size(1)), Bench.file().entry(E, size(1), macs(2)));
    assertEquals(Verdict.MISSING, row(m, E, "macs").verdict());
    assertEquals("metric missing from results", row(m, E, "macs").detail());
    assertFalse(m.passed());

    GateReport empty = compare(Bench.file(), Bench.file().entry("empty"));
    assertEquals(Verdict.MISSING, row(empty, "empty", "(entry)").verdict());
  }

  @Test
  void newEntriesAndMetricsAreReportedNotFailed() throws Exception {
    Bench base = Bench.file().entry(E, size(1));
    GateReport r =
        compare(
            Bench.file().entry(E, size(1), macs(5)).entry("digits-cnn/int8", size(7), accuracy(1)),
            base);
    assertTrue(r.passed());
    assertEquals(3, r.counts().added());
    assertEquals(Verdict.NEW, row(r, E, "macs").verdict());
    Comparison n = row(r, "digits-cnn/int8", "size");
    assertEquals(Verdict.NEW, n.verdict());
    assertNull(n.baseline());
    assertEquals(7.0, n.candidate());
    assertEquals("new entry, not in the baseline", n.detail());
    assertTrue(r.headline().endsWith("3 new"), r.headline());
    // New ones come last, after the baseline's.
    assertEquals("size", r.comparisons().get(0).metric());
  }

  @Test
  void aSlowerHostIsNormalizedByTheReferenceWorkload() throws Exception {
    double[] ref = lognormal(5, 50, 1.0, 0.02);
    double[] lat = lognormal(1, 100, 20, 0.03);
    Bench base = typical(lat).reference(ref);
    // Everything, the reference included, twice as slow on a smaller machine.
    Bench cand =
        typical(times(lognormal(2, 100, 20, 0.03), 2))
            .host("Intel Xeon E5-2676", 2, 1)
            .reference(times(lognormal(6, 50, 1.0, 0.02), 2));
    GateReport r = compare(cand, base);
    assertTrue(r.passed(), () -> r.regressions().toString());
    assertTrue(r.normalization().hostsDiffer());
    assertTrue(r.normalization().applied());
    assertEquals(2.0, r.normalization().factor(), 0.03);
    assertTrue(
        r.normalization().note().contains("normalized by the reference workload: factor 2.0"),
        r.normalization().note());
    assertTrue(r.notes().contains(r.normalization().note()));
    Comparison l = latency(r);
    assertTrue(l.normalized());
    assertEquals(20, l.candidate(), 0.5, "candidate on the baseline host's scale");
    assertTrue(l.detail().contains("normalized by the reference workload: factor"), l.detail());
    assertFalse(row(r, E, "size").normalized(), "deterministic metrics are never scaled");

    // A real 20% regression still shows through the normalization.
    Bench slower =
        typical(times(lognormal(2, 100, 20, 0.03), 2 * 1.2))
            .host("Intel Xeon E5-2676", 2, 1)
            .reference(times(lognormal(6, 50, 1.0, 0.02), 2));
    assertEquals(Verdict.FAIL, latency(compare(slower, base)).verdict());
  }

  @Test
  void differentHostsWithoutAReferenceCompareRawAndSaySo() throws Exception {
    Bench base = typical(lognormal(1, 100, 20, 0.03)).reference(1, 1, 1, 1, 1);
    Bench cand = typical(times(lognormal(2, 100, 20, 0.03), 2)).host("Intel Xeon", 4, 2);
    GateReport r = compare(cand, base);
    assertTrue(r.normalization().hostsDiffer());
    assertFalse(r.normalization().applied());
    assertNull(r.normalization().factor());
    assertTrue(r.normalization().note().contains("compared raw"), r.normalization().note());
    assertTrue(r.normalization().note().contains("missing on one side"));
    assertEquals(Verdict.FAIL, latency(r).verdict(), "raw: 2x slower");
    assertFalse(latency(r).normalized());
  }

  @Test
  void threadsCountAsAHostDifference() throws Exception {
    Bench base = typical(lognormal(1, 100, 20, 0.03)).reference(1, 1, 1, 1, 1);
    Bench cand =
        typical(times(lognormal(2, 100, 20, 0.03), 0.5))
            .host("AMD EPYC 7R13", 2, 2)
            .reference(0.5, 0.5, 0.5, 0.5, 0.5);
    GateReport r = compare(cand, base);
    assertTrue(r.normalization().applied());
    assertEquals(0.5, r.normalization().factor(), 1e-12);
    assertEquals(1, latency(r).ratio(), 0.02);
  }

  @Test
  void aBusySameHostRunIsNormalizedByTheInterleavedReference() throws Exception {
    // The whole machine ran 1.5x slower during the candidate run: reference and entry alike.
    Bench base = typical(lognormal(1, 100, 20, 0.03)).reference(1, 1, 1, 1, 1);
    Bench cand =
        typical(times(lognormal(2, 100, 20, 0.03), 1.5)).reference(1.5, 1.5, 1.5, 1.5, 1.5);
    GateReport r = compare(cand, base);
    assertFalse(r.normalization().hostsDiffer());
    assertTrue(r.normalization().applied());
    assertEquals(1.5, r.normalization().factor(), 1e-12);
    assertTrue(r.normalization().note().startsWith("same host"), r.normalization().note());
    assertEquals(1, latency(r).ratio(), 0.02);
    assertTrue(r.passed());
  }

  @Test
  void costUsesTheCostThreshold() throws Exception {
    double[] l = lognormal(1, 100, 20, 0.03);
    Bench base = Bench.file().entry(E, timing("cost.aws", times(l, 0.03)));
    Bench cand =
        Bench.file().entry(E, timing("cost.aws", times(lognormal(2, 100, 20, 0.03), 0.0324)));
    assertFalse(compare(cand, base).passed());
    assertTrue(compare(cand, base, Thresholds.DEFAULTS.withMaxCostIncrease(0.12)).passed());
    assertFalse(
        compare(cand, base, Thresholds.DEFAULTS.withMaxLatencyIncrease(0.12)).passed(),
        "the latency threshold does not apply to cost");
  }

  @Test
  void aChangedDefinitionFails() throws Exception {
    ObjectNode seconds = timing("latency.p50", 0.02, 0.02, 0.02, 0.02, 0.02).put("unit", "s");
    GateReport r =
        compare(
            Bench.file().entry(E, seconds),
            Bench.file().entry(E, timing("latency.p50", 20, 20, 20, 20, 20)));
    Comparison l = latency(r);
    assertEquals(Verdict.FAIL, l.verdict());
    assertTrue(l.detail().contains("unit 'ms' -> 's'"), l.detail());
  }

  @Test
  void betterHigherTimingsInvertTheRatio() throws Exception {
    ObjectNode base = timing("throughput", lognormal(1, 50, 100, 0.02)).put("better", "higher");
    ObjectNode down = timing("throughput", lognormal(2, 50, 80, 0.02)).put("better", "higher");
    GateReport r = compare(Bench.file().entry(E, down), Bench.file().entry(E, base));
    Comparison t = row(r, E, "throughput");
    assertEquals(Verdict.FAIL, t.verdict());
    assertEquals(1.25, t.ratio(), 0.02);
    assertEquals(-0.2, t.change(), 0.02);
    assertTrue(t.changeCiLow() < t.change() && t.change() < t.changeCiHigh(), t::toString);
    ObjectNode up = timing("throughput", lognormal(2, 50, 120, 0.02)).put("better", "higher");
    GateReport better = compare(Bench.file().entry(E, up), Bench.file().entry(E, base));
    assertTrue(better.passed());
    String detail = row(better, E, "throughput").detail();
    assertTrue(detail.startsWith("better by ") && !detail.startsWith("better by -"), detail);
  }

  @Test
  void theSameFilesAlwaysGiveTheSameReport() throws Exception {
    Bench base = typical(lognormal(1, 100, 20, 0.05)).reference(lognormal(3, 20, 1, 0.02));
    Bench cand =
        typical(times(lognormal(2, 100, 20, 0.05), 1.06))
            .host("other", 8, 1)
            .reference(lognormal(4, 20, 1, 0.02));
    assertEquals(compare(cand, base), compare(cand, base));
  }

  @Test
  void zeroBaselinesDoNotBreakTheArithmetic() throws Exception {
    double[] zeros = new double[10];
    GateReport same =
        compare(
            Bench.file().entry(E, timing("latency.p50", zeros), size(0)),
            Bench.file().entry(E, timing("latency.p50", zeros), size(0)));
    assertTrue(same.passed(), same::toString);
    double[] ones = new double[10];
    Arrays.fill(ones, 1);
    GateReport up =
        compare(
            Bench.file().entry(E, timing("latency.p50", ones), size(1)),
            Bench.file().entry(E, timing("latency.p50", zeros), size(0)));
    assertEquals(Verdict.FAIL, latency(up).verdict());
    assertNull(latency(up).ratio(), "infinite ratio is reported as null");
    assertEquals(Verdict.FAIL, row(up, E, "size").verdict());
    assertNotNull(up.markdown());
  }

  @Test
  void jmhThroughputThatDropsFails() throws Exception {
    BenchResults base = Gate.parse(Jmh.throughput("ops/s", 100, 1), "base-jmh.json");
    BenchResults same = Gate.parse(Jmh.throughput("ops/s", 100, 2), "cand-jmh.json");
    BenchResults slower = Gate.parse(Jmh.throughput("ops/s", 80, 3), "cand-jmh.json");
    BenchResults faster = Gate.parse(Jmh.throughput("ops/s", 130, 4), "cand-jmh.json");
    assertEquals(BenchResults.Format.JMH, base.format());
    String entry = "dev.infercost.benchmarks.RunBench.run[model=minilm-l6,batch=1]";
    assertEquals(entry, base.entries().get(0).name());
    assertEquals(BenchResults.Better.HIGHER, base.entries().get(0).metrics().get(0).better());
    assertEquals(10, base.entries().get(0).metrics().get(0).samples().size());

    assertTrue(Gate.compare(same, base, Thresholds.DEFAULTS).passed());
    GateReport r = Gate.compare(slower, base, Thresholds.DEFAULTS);
    assertFalse(r.passed());
    Comparison c = row(r, entry, "thrpt");
    assertEquals(Verdict.FAIL, c.verdict());
    assertEquals(Method.BOOTSTRAP, c.method());
    assertTrue(c.change() < -0.15, c::toString);
    assertTrue(Gate.compare(faster, base, Thresholds.DEFAULTS).passed());
    assertFalse(r.normalization().hostsDiffer(), "JMH files carry no host; nothing to normalize");
  }

  @Test
  void jmhAverageTimeIsBetterLower() throws Exception {
    BenchResults base = Gate.parse(Jmh.averageTime("ms/op", 2.0, 1), "a.json");
    BenchResults slower = Gate.parse(Jmh.averageTime("ms/op", 2.4, 2), "b.json");
    assertEquals(
        BenchResults.Better.LOWER, base.entries().get(0).metrics().get(0).better(), "ms/op");
    assertFalse(Gate.compare(slower, base, Thresholds.DEFAULTS).passed());
    assertTrue(Gate.compare(base, slower, Thresholds.DEFAULTS).passed());
  }

  @Test
  void aCandidateMeasuredAtZeroIsDescribedWithoutInfinity() {
    String d = Gate.describe(0, null, null, 0.05);
    assertEquals("better: down to zero", d);
    assertFalse(Gate.describe(0, 0.0, 0.0, 0.05).contains("Infinity"));
  }
}
