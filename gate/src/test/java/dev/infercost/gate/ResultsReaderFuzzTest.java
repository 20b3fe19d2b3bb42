package dev.infercost.gate;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.infercost.base.ReaderFuzz;
import java.nio.file.Path;

/**
 * Fuzz tests of the gate's readers (see {@code dev.infercost.base.ReaderFuzz}): bench results and
 * baselines, JMH result files, and a comparison of two such files with its JUnit XML and Markdown.
 * Seeds and past findings are in {@code ResultsReaderFuzzTestInputs/<method>/}.
 */
class ResultsReaderFuzzTest {
  @FuzzTest
  void benchResults(byte[] json) throws Exception {
    Path f = ReaderFuzz.write(ReaderFuzz.scratch(), "results.json", json);
    ReaderFuzz.check(() -> Gate.read(f));
  }

  @FuzzTest
  void jmhResults(byte[] json) throws Exception {
    Path f = ReaderFuzz.write(ReaderFuzz.scratch(), "jmh.json", json);
    ReaderFuzz.check(() -> Gate.read(f));
  }

  /** Results and baseline from one input; both valid enough to compare and render. */
  @FuzzTest
  void compare(FuzzedDataProvider data) throws Exception {
    Path dir = ReaderFuzz.scratch();
    Path baseline =
        ReaderFuzz.write(dir, "baseline.json", data.consumeBytes(data.consumeInt(0, 1 << 16)));
    Path results = ReaderFuzz.write(dir, "results.json", data.consumeRemainingAsBytes());
    ReaderFuzz.check(
        () -> {
          GateReport r = Gate.compare(results, baseline, Thresholds.DEFAULTS);
          JUnitXml.render(r);
          Markdown.render(r);
        });
  }
}
