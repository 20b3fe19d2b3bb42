package dev.infercost.gate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing outputs and updating the baseline: atomic, validated, nothing left behind. */
class GateFilesTest {
  @TempDir Path tmp;

  private long files() throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.count();
    }
  }

  @Test
  void writeReplacesAtomically() throws Exception {
    Path f = tmp.resolve("out.md");
    Gate.write(f, "one");
    Gate.write(f, "two");
    assertEquals("two", Files.readString(f));
    assertEquals(1, files(), "no temporary file left");
  }

  @Test
  void writeIntoAMissingFolderFailsCleanly() throws Exception {
    Path f = tmp.resolve("no/such/out.xml");
    GateInputException e = assertThrows(GateInputException.class, () -> Gate.write(f, "x"));
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    assertFalse(Files.exists(f));
    GateInputException d = assertThrows(GateInputException.class, () -> Gate.write(tmp, "x"));
    assertTrue(d.getMessage().contains("is a directory"), d.getMessage());
  }

  @Test
  void updateBaselineCopiesValidResultsByteForByte() throws Exception {
    Path results = Bench.file().entry("e", Bench.size(3)).write(tmp.resolve("results.json"));
    Path baseline = tmp.resolve("baseline.json");
    Files.writeString(baseline, "old");
    BenchResults written = Gate.updateBaseline(results, baseline);
    assertEquals(1, written.entries().size());
    assertArrayEquals(Files.readAllBytes(results), Files.readAllBytes(baseline));
    assertEquals(2, files());
  }

  @Test
  void updateBaselineRefusesInvalidResults() throws Exception {
    Path results = Files.writeString(tmp.resolve("results.json"), "{\"schema\": 9}");
    Path baseline = Files.writeString(tmp.resolve("baseline.json"), "old");
    GateInputException e =
        assertThrows(GateInputException.class, () -> Gate.updateBaseline(results, baseline));
    assertTrue(e.getMessage().startsWith(results.toString()), e.getMessage());
    assertEquals("old", Files.readString(baseline));
    assertEquals(2, files());
  }
}
