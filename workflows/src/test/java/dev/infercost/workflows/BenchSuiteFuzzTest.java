package dev.infercost.workflows;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.infercost.base.ReaderFuzz;
import java.nio.file.Path;

/**
 * Fuzz test of the bench suite reader (see {@code dev.infercost.base.ReaderFuzz}): YAML, the schema
 * and every entry check. Seeds and past findings are in {@code BenchSuiteFuzzTestInputs/suite/}.
 */
class BenchSuiteFuzzTest {
  @FuzzTest
  void suite(byte[] yaml) throws Exception {
    Path f = ReaderFuzz.write(ReaderFuzz.scratch(), "suite.yaml", yaml);
    ReaderFuzz.check(() -> BenchSuite.load(f));
  }
}
