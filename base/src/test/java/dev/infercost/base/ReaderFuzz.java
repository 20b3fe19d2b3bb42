package dev.infercost.base;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The contract every fuzz test of a reader of user files checks (the {@code *FuzzTest} classes of
 * each module, run by Jazzer): the reader returns, or throws an {@link InfercostException} whose
 * message is one non-empty line. Anything else escapes to Jazzer as a finding: another exception,
 * an error ({@code OutOfMemoryError}, {@code StackOverflowError}), or, in fuzzing mode, a hang.
 */
public final class ReaderFuzz {
  private static Path scratch;

  private ReaderFuzz() {}

  /** A read of user files, which may throw anything; {@link #check} judges what it throws. */
  @FunctionalInterface
  public interface Read {
    void run() throws Exception;
  }

  /**
   * Runs {@code read}: returns if it returns or throws a one-line {@link InfercostException};
   * rethrows anything else, and fails on a message that is empty or spans lines.
   */
  public static void check(Read read) throws Exception {
    try {
      read.run();
    } catch (InfercostException e) {
      String m = e.getMessage();
      if (m == null || m.isBlank() || m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) {
        throw new AssertionError("not a one-line message: " + OneLine.of(m), e);
      }
    }
  }

  /**
   * An empty folder for one input's files: the same folder each call (emptied first), so a long
   * fuzzing run does not fill the disk.
   */
  public static synchronized Path scratch() {
    try {
      if (scratch == null) {
        scratch = Files.createTempDirectory("infercost-fuzz");
        // File.deleteOnExit removes only an empty folder; this one holds the last input's files.
        Path made = scratch;
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        empty(made, true);
                      } catch (UncheckedIOException e) {
                        // Gone already, or not ours to delete: nothing to clean.
                      }
                    }));
      } else {
        empty(scratch, false);
      }
      return scratch;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes what {@code dir} holds, and with {@code self} the folder too. */
  private static void empty(Path dir, boolean self) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        if (self || !p.equals(dir)) {
          Files.delete(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code bytes} to {@code name} in {@code dir} and returns the file. */
  public static Path write(Path dir, String name, byte[] bytes) {
    try {
      return Files.write(dir.resolve(name), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
