package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.base.InfercostException;
import dev.infercost.base.OutputSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs without an output folder share a cache folder name but never refuse each other. */
class CacheSetTest {
  @TempDir Path tmp;

  @Test
  void aHeldCacheFolderSendsTheNextRunToASiblingOfItsOwn() throws Exception {
    Path dir = tmp.resolve("choose").resolve("model.onnx");
    try (OutputSet held = OutputSet.claim(dir, List.of("report.json"))) {
      Path used = Reports.inCacheSet(dir, List.of("report.json"), d -> d);
      assertEquals(tmp.resolve("choose").resolve("model.onnx-2"), used);
    }
    // Free again: the first folder is used.
    assertEquals(dir, Reports.inCacheSet(dir, List.of("report.json"), d -> d));
    assertTrue(Files.isDirectory(dir));
  }

  @Test
  void whenEverySiblingIsHeldTheRunIsRefusedWithOneLine() throws Exception {
    Path dir = tmp.resolve("m");
    List<OutputSet> held = new ArrayList<>();
    try {
      for (int n = 1; n <= Reports.CACHE_SETS; n++) {
        held.add(OutputSet.claim(n == 1 ? dir : tmp.resolve("m-" + n), List.of()));
      }
      InfercostException e =
          assertThrows(InfercostException.class, () -> Reports.inCacheSet(dir, List.of(), d -> d));
      assertTrue(e.getMessage().contains("give --out DIR"), e.getMessage());
    } finally {
      for (OutputSet s : held) {
        s.close();
      }
    }
  }
}
