package dev.infercost.base;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Atomic output files: every model, report, baseline and data file infercost writes goes through
 * here. The content goes to a temporary file in the target's folder, which is moved over the target
 * only when complete, so a reader never sees a partial file and a failure leaves the old file (or
 * none) in place, and no temporary file behind.
 *
 * <pre>{@code
 * AtomicFiles.write(path, out -> proto.writeTo(out), ModelException::of);
 * AtomicFiles.write(path, bytes);  // fails with a plain InfercostException
 * }</pre>
 */
public final class AtomicFiles {
  private static final SecureRandom RANDOM = new SecureRandom();

  // Temporary files being written now, removed by an interrupted process (OutputSet.abandonAll)
  // when the thread writing one does not get to remove it itself.
  private static final Set<Path> TEMPORARIES = ConcurrentHashMap.newKeySet();

  private AtomicFiles() {}

  /** Writes the content of an output file. */
  @FunctionalInterface
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /**
   * Makes the caller's member of the exception family for a failed write, so that a model writer
   * fails with its model error and the gate with its input error. The message is {@code "<file>:
   * <problem>"}; {@code cause} may be null.
   */
  @FunctionalInterface
  public interface Failure<E extends InfercostException> {
    E of(Path file, String problem, Throwable cause);
  }

  /** {@link #write(Path, Writer, Failure)} failing with a plain {@link InfercostException}. */
  public static void write(Path target, Writer writer) throws InfercostException {
    write(target, writer, AtomicFiles::failure);
  }

  /**
   * Writes {@code content} to {@code target} atomically; fails with an {@link InfercostException}.
   */
  public static void write(Path target, byte[] content) throws InfercostException {
    write(target, out -> out.write(content));
  }

  /**
   * Writes {@code target} atomically: content goes to a temporary file in the same directory, which
   * is moved over the target only when complete. On any failure nothing is left behind, and the
   * failure is {@code failure}'s exception with a one-line message naming {@code target}, the
   * problem and what to do.
   *
   * <p>A new file gets the mode any new file gets (0666 less the umask, as {@code open(2)} creates
   * it); a replaced file keeps its mode.
   */
  public static <E extends InfercostException> void write(
      Path target, Writer writer, Failure<E> failure) throws E {
    Path abs = target.toAbsolutePath().normalize();
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw failure.of(target, "output folder does not exist; create it first", null);
    }
    if (Files.isDirectory(abs)) {
      throw failure.of(target, "is a directory; name a file to write", null);
    }
    Set<PosixFilePermission> keep = existingPermissions(abs);
    Path tmp;
    OutputStream raw;
    try {
      while (true) {
        Path candidate =
            dir.resolve(
                "."
                    + abs.getFileName()
                    + "."
                    + Long.toUnsignedString(RANDOM.nextLong(), 36)
                    + ".tmp");
        try {
          raw = create(candidate, keep);
          tmp = candidate;
          TEMPORARIES.add(tmp);
          break;
        } catch (FileAlreadyExistsException e) {
          // A name clash with another writer's temporary file: draw another name.
        }
      }
    } catch (IOException e) {
      throw failure.of(target, cannotWrite(e), e);
    }
    try {
      try (OutputStream out = new BufferedOutputStream(raw, 1 << 16)) {
        if (keep != null) {
          // Created masked by the umask; now exactly the replaced file's mode, before any content.
          Files.setPosixFilePermissions(tmp, keep);
        }
        writer.write(out);
      }
      // An interrupted run publishes nothing more.
      Interruption.check();
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      OutputSet.wrote(abs);
    } catch (IOException e) {
      throw failure.of(target, cannotWrite(e), e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // Best effort: the temporary name starts with '.', so a leftover is hidden.
      }
      TEMPORARIES.remove(tmp);
    }
  }

  /** Removes the temporary files of writes still in progress: for an interrupted process. */
  static void removeTemporaries() {
    for (Path tmp : TEMPORARIES) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // Best effort, as above.
      }
    }
  }

  private static InfercostException failure(Path file, String problem, Throwable cause) {
    return new InfercostException(file + ": " + problem, cause);
  }

  /**
   * Creates {@code file}, failing if it exists. Without {@code mode} it gets the default mode; with
   * one, the mode masked by the umask, so the content is never readable more widely than {@code
   * mode} allows.
   */
  private static OutputStream create(Path file, Set<PosixFilePermission> mode) throws IOException {
    if (mode == null) {
      return Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }
    FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(mode);
    return Channels.newOutputStream(
        Files.newByteChannel(
            file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attr));
  }

  /** The mode of an existing regular file at {@code file}, or null (none, or not POSIX). */
  private static Set<PosixFilePermission> existingPermissions(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.getPosixFilePermissions(file) : null;
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  /**
   * What went wrong, without the path of the hidden temporary file the message of a {@link
   * FileSystemException} leads with (the caller names the target), and for a path the file system
   * refuses, what to do.
   */
  private static String cannotWrite(IOException e) {
    if (!(e instanceof FileSystemException f)) {
      return "cannot write: "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
    String why =
        f.getReason() != null
            ? f.getReason()
            : f instanceof NoSuchFileException
                ? "no such file or directory"
                : f instanceof AccessDeniedException ? "permission denied" : "refused";
    return "cannot write: " + why + "; choose a writable path";
  }
}
