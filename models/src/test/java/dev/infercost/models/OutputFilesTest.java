package dev.infercost.models;

import static dev.infercost.models.ModelsLoadSaveTest.assertOneLineNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
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

  @Test
  void replacingAFileKeepsItsModeEvenAPrivateOne() throws Exception {
    Path out = Files.writeString(tmp.resolve("secret.json"), "old");
    assumeTrue(
        Files.getFileStore(out).supportsFileAttributeView(PosixFileAttributeView.class),
        "no POSIX permissions here");
    for (String mode : List.of("rw-------", "rw-r-----", "rwxr-xr-x")) {
      Files.setPosixFilePermissions(out, PosixFilePermissions.fromString(mode));
      OutputFiles.write(out, o -> o.write(mode.getBytes(StandardCharsets.UTF_8)));
      assertEquals(mode, Files.readString(out));
      assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    }
    assertEquals(List.of("secret.json"), listing());
  }

  @Test
  void aNewFileGetsTheModeOfAnyNewFile() throws Exception {
    Path reference = Files.createFile(tmp.resolve("reference"));
    assumeTrue(
        Files.getFileStore(reference).supportsFileAttributeView(PosixFileAttributeView.class),
        "no POSIX permissions here");
    Path out = tmp.resolve("new.json");
    OutputFiles.write(out, o -> o.write('x'));
    assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(out));
  }
}
