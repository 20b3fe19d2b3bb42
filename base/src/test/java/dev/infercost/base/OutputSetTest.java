package dev.infercost.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OutputSet}: one run per folder, and all or none of a run's files. */
class OutputSetTest {
  @TempDir Path tmp;

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void aCommittedSetKeepsItsFiles() throws Exception {
    Path out = tmp.resolve("out");
    try (OutputSet set = OutputSet.claim(out, List.of("m.onnx", "report.json"))) {
      assertTrue(Files.exists(out.resolve(OutputSet.LOCK_FILE)));
      AtomicFiles.write(out.resolve("m.onnx"), new byte[] {1});
      AtomicFiles.write(out.resolve("report.json"), new byte[] {2});
      set.commit();
    }
    assertEquals(List.of(OutputSet.LOCK_FILE, "m.onnx", "report.json"), listing(out));
  }

  @Test
  void aSetClosedWithoutCommitRemovesWhatItWroteAndTheFolderItMade() throws Exception {
    Path out = tmp.resolve("new");
    try (OutputSet set = OutputSet.claim(out, List.of("m.onnx", "trials", "report.json"))) {
      Files.createDirectories(out.resolve("trials"));
      AtomicFiles.write(out.resolve("trials").resolve("t1.onnx"), new byte[] {1});
      AtomicFiles.write(out.resolve("m.onnx"), new byte[] {1});
    }
    assertFalse(Files.exists(out), "the folder the run created is gone");
  }

  @Test
  void aFailedRunLeavesNoModelWithoutItsReportNorAStaleReport() throws Exception {
    Path out = tmp.resolve("out");
    Files.createDirectories(out);
    Files.writeString(out.resolve("report.json"), "{\"model\":\"old\"}");
    Files.writeString(out.resolve("m.onnx"), "old model");
    Files.writeString(out.resolve("notes.txt"), "the user's own file");
    try (OutputSet set = OutputSet.claim(out, List.of("m.onnx", "report.json"))) {
      AtomicFiles.write(out.resolve("m.onnx"), "new model".getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(List.of(OutputSet.LOCK_FILE, "notes.txt"), listing(out));
  }

  @Test
  void aRunThatWroteNothingLeavesThePreviousSetAlone() throws Exception {
    Path out = tmp.resolve("out");
    Files.createDirectories(out);
    Files.writeString(out.resolve("report.json"), "{}");
    try (OutputSet set = OutputSet.claim(out, List.of("report.json"))) {
      // fails before writing anything
    }
    assertEquals(List.of(OutputSet.LOCK_FILE, "report.json"), listing(out));
  }

  @Test
  void aSecondRunIntoTheSameFolderIsRefusedWithOneLine() throws Exception {
    Path out = tmp.resolve("out");
    try (OutputSet first = OutputSet.claim(out, List.of("report.json"))) {
      InfercostException e =
          assertThrows(
              InfercostException.class,
              () -> OutputSet.claim(out.resolve(".").resolve("..").resolve("out"), List.of()));
      assertTrue(e.getMessage().contains("another infercost run is writing into this folder"));
      assertEquals(Parameter.OUTPUT_DIR, e.hint().orElseThrow());
      first.commit();
    }
    // Released: the next run gets it.
    try (OutputSet again = OutputSet.claim(out, List.of())) {
      again.commit();
    }
  }

  @Test
  void aRunInAnotherProcessIsRefused() throws Exception {
    Path out = tmp.resolve("out");
    Files.createDirectories(out);
    Process other =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Holder.class.getName(),
                out.toString())
            .redirectErrorStream(true)
            .start();
    try {
      // The holder prints one line once it holds the folder.
      String line = new String(other.getInputStream().readNBytes(5), StandardCharsets.UTF_8);
      assertEquals("held\n", line);
      InfercostException e =
          assertThrows(InfercostException.class, () -> OutputSet.claim(out, List.of()));
      assertTrue(e.getMessage().contains("another infercost run"), e.getMessage());
    } finally {
      other.destroy();
      assertTrue(other.waitFor(30, TimeUnit.SECONDS));
    }
    try (OutputSet mine = OutputSet.claim(out, List.of())) {
      mine.commit();
    }
  }

  @Test
  void anEmptyFolderNameIsRefusedRatherThanTakenAsTheWorkingFolder() {
    InfercostException e =
        assertThrows(InfercostException.class, () -> OutputSet.claim(Path.of(""), List.of()));
    assertTrue(e.getMessage().contains("the output folder is empty"), e.getMessage());
  }

  @Test
  void aFileInPlaceOfTheFolderIsRefused() throws Exception {
    Path file = Files.writeString(tmp.resolve("f"), "x");
    InfercostException e =
        assertThrows(InfercostException.class, () -> OutputSet.claim(file, List.of()));
    assertTrue(e.getMessage().contains("is a file"), e.getMessage());
  }

  /** Holds an output folder until killed: the other process of the lock test. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      OutputSet.claim(Path.of(args[0]), List.of());
      System.out.print("held\n");
      System.out.flush();
      Thread.sleep(60_000);
    }
  }
}
