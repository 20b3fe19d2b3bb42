package dev.infercost.gate;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Atomic output files: the content goes to a temporary file in the target's folder, which is moved
 * over the target only when complete, so a reader never sees a partial file and a failure leaves
 * the old one (or none) in place. The gate has no dependency on the {@code models} module, which
 * owns the same for models and reports.
 */
final class AtomicFiles {
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFiles() {}

  static void write(Path target, byte[] content) throws GateInputException {
    Path abs = target.toAbsolutePath().normalize();
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw GateInputException.of(target, "output folder does not exist; create it first");
    }
    if (Files.isDirectory(abs)) {
      throw GateInputException.of(target, "is a directory; name a file to write");
    }
    Path tmp = null;
    try {
      OutputStream out;
      while (true) {
        Path candidate =
            dir.resolve(
                "."
                    + abs.getFileName()
                    + "."
                    + Long.toUnsignedString(RANDOM.nextLong(), 36)
                    + ".tmp");
        try {
          out =
              Files.newOutputStream(
                  candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          tmp = candidate;
          break;
        } catch (FileAlreadyExistsException e) {
          // Another writer's temporary name: draw again.
        }
      }
      try (OutputStream o = out) {
        o.write(content);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (AccessDeniedException | NoSuchFileException e) {
      throw GateInputException.of(target, "cannot write: permission denied or no such folder", e);
    } catch (IOException e) {
      throw GateInputException.of(target, "cannot write: " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // Best effort: the temporary name starts with '.', so a leftover stays hidden.
        }
      }
    }
  }
}
