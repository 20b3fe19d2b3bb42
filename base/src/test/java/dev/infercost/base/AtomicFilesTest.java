package dev.infercost.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
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

/** {@link AtomicFiles#write}: atomic, and nothing is left behind on failure. */
class AtomicFilesTest {
  @TempDir Path tmp;

  private List<String> listing() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static void assertOneLineNaming(Path file, Exception e) {
    String m = e.getMessage();
    assertTrue(m.startsWith(file + ": "), () -> "message does not start with " + file + ": " + m);
    assertFalse(m.contains("\n") || m.contains("\r"), () -> "message is not one line: " + m);
  }

  /** A member of the family a module would pass, to check the failure factory is used. */
  static final class OwnException extends InfercostException {
    OwnException(String message, Throwable cause) {
      super(message, cause);
    }

    static OwnException of(Path file, String problem, Throwable cause) {
      return new OwnException(file + ": " + problem, cause);
    }
  }

  @Test
  void writesTheContent() throws Exception {
    Path out = tmp.resolve("report.json");
    AtomicFiles.write(out, o -> o.write("{}".getBytes(StandardCharsets.UTF_8)));
    assertEquals("{}", Files.readString(out));
    assertEquals(List.of("report.json"), listing());
  }

  @Test
  void aFailingWriterLeavesTheOldFileAndNoTemporary() throws Exception {
    Path out = Files.writeString(tmp.resolve("report.json"), "old");
    InfercostException e =
        assertThrows(
            InfercostException.class,
            () ->
                AtomicFiles.write(
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
        InfercostException.class,
        () ->
            AtomicFiles.write(
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
      AtomicFiles.write(out, o -> o.write(mode.getBytes(StandardCharsets.UTF_8)));
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
    AtomicFiles.write(out, o -> o.write('x'));
    assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(out));
  }

  @Test
  void writesBytesAndReplacesAtomically() throws Exception {
    Path out = tmp.resolve("out.md");
    AtomicFiles.write(out, "one".getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(out, "two".getBytes(StandardCharsets.UTF_8));
    assertEquals("two", Files.readString(out));
    assertEquals(List.of("out.md"), listing());
  }

  @Test
  void aMissingFolderOrADirectoryFailsWithTheCallersExceptionAndWritesNothing() throws Exception {
    Path missing = tmp.resolve("no/such/out.xml");
    OwnException e =
        assertThrows(
            OwnException.class,
            () -> AtomicFiles.write(missing, o -> o.write('x'), OwnException::of));
    assertOneLineNaming(missing, e);
    assertTrue(e.getMessage().contains("output folder does not exist"), e.getMessage());
    Path dir = Files.createDirectories(tmp.resolve("out.json"));
    OwnException d =
        assertThrows(
            OwnException.class, () -> AtomicFiles.write(dir, o -> o.write('x'), OwnException::of));
    assertOneLineNaming(dir, d);
    assertTrue(d.getMessage().contains("is a directory"), d.getMessage());
    assertEquals(List.of("out.json"), listing());
  }

  /**
   * A folder that refuses new files (/proc) is named with what to do, not by the hidden temporary
   * file's path ("cannot write: /proc/.x.json.3w1a15anmwyqz.tmp").
   */
  @Test
  void aFolderThatRefusesFilesIsNamedWithoutTheTemporaryFile() {
    Path proc = Path.of("/proc");
    assumeTrue(Files.isDirectory(proc), "no /proc here");
    Path target = proc.resolve("x.json");
    OwnException e =
        assertThrows(
            OwnException.class,
            () -> AtomicFiles.write(target, o -> o.write('x'), OwnException::of));
    assertOneLineNaming(target, e);
    assertTrue(e.getMessage().endsWith("; choose a writable path"), e.getMessage());
    assertFalse(e.getMessage().contains(".tmp"), e.getMessage());
  }

  @Test
  void theWritersFailureIsTheCause() throws Exception {
    IOException boom = new IOException("disk full");
    OwnException e =
        assertThrows(
            OwnException.class,
            () ->
                AtomicFiles.write(
                    tmp.resolve("x.bin"),
                    o -> {
                      throw boom;
                    },
                    OwnException::of));
    assertSame(boom, e.getCause());
    assertTrue(e.getMessage().endsWith("cannot write: disk full"), e.getMessage());
  }

  @Test
  void aFullDiskGivesOneLineAndNoPartialFile() throws Exception {
    // A real full file system: a 64 kB tmpfs, where the test may mount one (root on Linux).
    Path small = Files.createDirectories(tmp.resolve("small"));
    boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small.toString());
    assumeTrue(mounted, "cannot mount a small file system here");
    try {
      Path target = small.resolve("model.onnx");
      InfercostException e =
          assertThrows(
              InfercostException.class, () -> AtomicFiles.write(target, new byte[1 << 20]));
      assertOneLineNaming(target, e);
      assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
      try (Stream<Path> s = Files.list(small)) {
        assertEquals(List.of(), s.toList(), "nothing left on the full disk");
      }
    } finally {
      assertTrue(run("umount", small.toString()), "umount");
    }
  }

  private static boolean run(String... command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return false; // no such command
    }
    p.getInputStream().readAllBytes();
    return p.waitFor() == 0;
  }
}
