package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.base.InfercostException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BenchSuite#load}: counts bounded, entries that would share a model folder refused. */
class BenchSuiteTest {
  @TempDir Path tmp;

  private InfercostException refused(String yaml) throws Exception {
    Path f = Files.writeString(tmp.resolve("suite.yaml"), "schema: 1\n" + yaml);
    return assertThrows(InfercostException.class, () -> BenchSuite.load(f));
  }

  @Test
  void countsThatWouldNeverEndAreRefused() throws Exception {
    assertTrue(
        refused("entries:\n  - {name: a, model: digits-mlp, repetitions: 1000000000}\n")
            .getMessage()
            .contains("repetitions must be in [1, 100000], got 1000000000"));
    assertTrue(
        refused("samples: 1000000000\nentries:\n  - {name: a, model: digits-mlp}\n")
            .getMessage()
            .contains("samples in [1, 100000]"));
    assertTrue(
        refused("threads: 100000\nentries:\n  - {name: a, model: digits-mlp}\n")
            .getMessage()
            .contains("threads must be in [1, "));
  }

  @Test
  void entriesWhoseModelsWouldOverwriteEachOtherAreRefused() throws Exception {
    String m =
        refused(
                "entries:\n  - {name: a/b, model: digits-mlp}\n  - {name: a_b, model: digits-cnn}\n")
            .getMessage();
    assertTrue(m.contains("entries 'a/b' and 'a_b' would share the model folder 'a_b'"), m);
  }

  @Test
  void aValidSuiteLoads() throws Exception {
    Path f =
        Files.writeString(
            tmp.resolve("ok.yaml"),
            "schema: 1\nsamples: 10\nentries:\n  - {name: a/b, model: digits-mlp, repetitions: 5}\n");
    assertEquals(1, BenchSuite.load(f).entries().size());
  }
}
