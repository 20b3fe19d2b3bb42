package dev.infercost.models;

import static dev.infercost.models.ModelsLoadSaveTest.assertOneLineNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OutputFiles#write}: atomic, and nothing is left behind on failure. */
class OutputFilesTest {
  @TempDir Path tmp;

  private List<String> listing() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesTheContent() throws Exception {
    Path out = tmp.resolve("report.json");
    OutputFiles.write(out, o -> o.write("{}".getBytes(StandardCharsets.UTF_8)));
    assertEquals("{}", Files.readString(out));
    assertEquals(List.of("report.json"), listing());
  }

  @Test
  void aFailingWriterLeavesTheOldFileAndNoTemporary() throws Exception {
    Path out = Files.writeString(tmp.resolve("report.json"), "old");
    ModelException e =
        assertThrows(
            ModelException.class,
            () ->
                OutputFiles.write(
                    out,
                    o -> {
                      o.write("partial".getBytes(StandardCharsets.UTF_8));
                      throw new IOException("disk full");
                    }));
    assertOneLineNaming(out, e);
    assertEquals("old", Files.readString(out));
    assertEquals(List.of("report.json"), listing());
  }

  @Test
  void aFailingWriterCreatesNothing() throws Exception {
    Path out = tmp.resolve("new.bin");
    assertThrows(
        ModelException.class,
        () ->
            OutputFiles.write(
                out,
                o -> {
                  throw new IOException("boom");
                }));
    assertEquals(List.of(), listing());
  }
}
