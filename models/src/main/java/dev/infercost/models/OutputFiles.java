package dev.infercost.models;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Atomic output files: every model, report and data file infercost writes goes through here. */
public final class OutputFiles {
  private OutputFiles() {}

  /** Writes the content of an output file. */
  @FunctionalInterface
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /**
   * Writes {@code target} atomically: content goes to a temporary file in the same directory, which
   * is moved over the target only when complete. On any failure nothing is left behind.
   */
  public static void write(Path target, Writer writer) throws ModelException {
    Path abs = target.toAbsolutePath().normalize();
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw ModelException.of(target, "output directory does not exist; create it first");
    }
    Path tmp;
    try {
      tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
    } catch (AccessDeniedException e) {
      throw ModelException.of(target, "cannot write: permission denied; choose a writable path");
    } catch (IOException e) {
      throw ModelException.of(target, "cannot write: " + e.getMessage(), e);
    }
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        writer.write(out);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (AccessDeniedException | NoSuchFileException e) {
      throw ModelException.of(
          target, "cannot write: " + e.getMessage() + "; choose a writable path");
    } catch (IOException e) {
      throw ModelException.of(target, "cannot write: " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // Best effort: the temporary name starts with '.', so a leftover is hidden.
      }
    }
  }
}
