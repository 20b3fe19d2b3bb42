package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.gate.BenchResults;
import dev.infercost.gate.Gate;
import dev.infercost.gate.GateReport;
import dev.infercost.gate.Thresholds;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A suite entry that names a baseline model is timed in alternating rounds with it. */
class PairedBenchTest {
  @Test
  void anEntryWithABaselineCarriesPairedRoundsTheGateJudges(@TempDir Path dir) throws Exception {
    Path suite =
        Files.writeString(
            dir.resolve("suite.yaml"),
            """
            schema: 1
            samples: 20
            minSeconds: 0.2
            entries:
              - name: digits-cnn/paired
                model: digits-cnn
                baseline: digits-cnn
                shapes: {input: [1, 1, 8, 8]}
              - name: digits-cnn/plain
                model: digits-cnn
                shapes: {input: [1, 1, 8, 8]}
            """);
    Path out = dir.resolve("results.json");
    BenchResults r = BenchWorkflow.run(suite, out, s -> {}).results();
    BenchResults.Paired p = r.entry("digits-cnn/paired").orElseThrow().paired();
    assertEquals("digits-cnn", p.baseline());
    assertEquals(BenchResults.Paired.THREAD_CPU, p.clock(), "one thread: paired on CPU time");
    assertEquals(BenchWorkflow.PAIRED_ROUNDS, p.candidateMs().size());
    assertEquals(BenchWorkflow.PAIRED_ROUNDS, p.baselineMs().size());
    assertNull(r.entry("digits-cnn/plain").orElseThrow().paired());

    BenchResults back = Gate.read(out);
    assertEquals(p, back.entry("digits-cnn/paired").orElseThrow().paired());
    GateReport g = Gate.compare(back, back, Thresholds.DEFAULTS);
    for (GateReport.Comparison c : g.comparisons()) {
      if (c.kind() == BenchResults.Kind.TIMING) {
        assertEquals(
            c.entry().equals("digits-cnn/paired")
                ? GateReport.Method.PAIRED
                : GateReport.Method.BOOTSTRAP,
            c.method(),
            c::toString);
      }
    }
    assertTrue(
        g.comparisons().stream()
            .filter(c -> c.method() == GateReport.Method.PAIRED)
            .allMatch(c -> c.detail().contains("paired with digits-cnn in the same run")),
        g::toString);
  }
}
