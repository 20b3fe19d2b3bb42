package dev.infercost.base;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The set of files one run writes into an output folder (a model and the report describing it), as
 * one unit. While the set is open the folder is locked: a second run into the same folder, in this
 * process or another, is refused at {@link #claim} instead of mixing its files with this one's.
 * Files written into the folder through {@link AtomicFiles} are recorded; a set closed without
 * {@link #commit()} (a failure, an exception, an interrupted run) removes them, and the names the
 * run declared as its set, so the folder never holds a model without the report about it, nor a
 * report about another model. The report is written last, then the set committed. The lock is an
 * operating-system lock on {@link #LOCK_FILE}, released when the process ends however it ends.
 *
 * <pre>{@code
 * try (OutputSet set = OutputSet.claim(outDir, List.of("model.int8.onnx", "report.json"))) {
 *   ... write the model, then the report, through AtomicFiles ...
 *   set.commit();
 * }
 * }</pre>
 */
public final class OutputSet implements AutoCloseable {
  /**
   * The lock file, an empty hidden file. It stays in the folder after the run: removing it would
   * let a run that opened it just before lock a file no other run can see.
   */
  public static final String LOCK_FILE = ".infercost.lock";

  // Open sets of this process, so that AtomicFiles can record what it writes into them and an
  // interrupted process can remove what its runs left unfinished.
  private static final List<OutputSet> OPEN = new CopyOnWriteArrayList<>();

  private final Path dir;
  private final boolean created;
  private final List<String> names;
  private final FileChannel channel;
  private final Set<Path> written = new LinkedHashSet<>();
  private boolean committed;
  private boolean closed;

  private OutputSet(Path dir, boolean created, List<String> names, FileChannel channel) {
    this.dir = dir;
    this.created = created;
    this.names = names;
    this.channel = channel;
  }

  /**
   * Creates {@code dir} if needed and locks it for this run, whose files are {@code names} (file or
   * folder names in {@code dir}).
   *
   * @throws InfercostException when the folder cannot be created or written, or another run holds
   *     it
   */
  public static OutputSet claim(Path dir, Collection<String> names) throws InfercostException {
    Optional<OutputSet> set = claimIfFree(dir, names);
    if (set.isEmpty()) {
      throw new InfercostException(
          dir
              + ": another infercost run is writing into this folder; wait for it to finish or"
              + " choose another output folder",
          Parameter.OUTPUT_DIR);
    }
    return set.get();
  }

  /**
   * {@link #claim}, or empty where another run holds {@code dir}.
   *
   * @throws InfercostException when the folder cannot be created, written or locked
   */
  public static Optional<OutputSet> claimIfFree(Path dir, Collection<String> names)
      throws InfercostException {
    if (dir.toString().isEmpty()) {
      // Path.of("") is the working folder: an empty option value is a mistake, not a choice.
      throw new InfercostException(
          "the output folder is empty; name a folder (\".\" for this one)", Parameter.OUTPUT_DIR);
    }
    Path abs = dir.toAbsolutePath().normalize();
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw new InfercostException(
          dir + ": the output folder is a file; choose a folder", Parameter.OUTPUT_DIR);
    }
    boolean created = !Files.exists(abs);
    try {
      Files.createDirectories(abs);
    } catch (IOException e) {
      throw new InfercostException(
          dir + ": cannot create the output folder (" + e.getMessage() + "); choose a writable one",
          Parameter.OUTPUT_DIR);
    }
    Path real = OutputGuard.real(abs);
    Path lockFile = real.resolve(LOCK_FILE);
    FileChannel ch;
    try {
      ch =
          FileChannel.open(
              lockFile,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new InfercostException(
          dir + ": output folder is not writable (" + e.getMessage() + "); choose another",
          Parameter.OUTPUT_DIR);
    }
    FileLock l = null;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      // Held by another run in this process.
    } catch (IOException e) {
      close(ch);
      throw new InfercostException(
          dir + ": cannot lock the output folder (" + e.getMessage() + ")", Parameter.OUTPUT_DIR);
    }
    if (l == null) {
      close(ch);
      return Optional.empty();
    }
    OutputSet set = new OutputSet(real, created, List.copyOf(names), ch);
    OPEN.add(set);
    return Optional.of(set);
  }

  /** The folder, resolved through links. */
  public Path dir() {
    return dir;
  }

  /** Marks the set complete: closing it keeps the files. */
  public synchronized void commit() {
    committed = true;
  }

  /**
   * Releases the folder; without {@link #commit()}, first removes the files this run wrote into it
   * and the set's names.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    OPEN.remove(this);
    try {
      if (!committed) {
        rollback();
      }
    } finally {
      close(channel);
    }
  }

  /**
   * Records {@code file} (absolute, normalized) as written, when it lies in an open set's folder.
   */
  static void wrote(Path file) {
    for (OutputSet s : OPEN) {
      s.record(file);
    }
  }

  /**
   * Closes (rolls back) every open set and removes the temporary files of writes in progress: the
   * last thing an interrupted process does.
   */
  public static void abandonAll() {
    for (OutputSet s : OPEN) {
      s.close();
    }
    AtomicFiles.removeTemporaries();
  }

  private synchronized void record(Path file) {
    if (closed) {
      return;
    }
    Path real = OutputGuard.real(file);
    if (real.startsWith(dir) && !real.equals(dir)) {
      written.add(real);
    }
  }

  private void rollback() {
    List<Path> remove = new ArrayList<>(written);
    if (!written.isEmpty()) {
      for (String n : names) {
        Path p = dir.resolve(n);
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          remove.add(p);
        }
      }
    }
    Set<Path> parents = new LinkedHashSet<>();
    for (Path p : remove) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // Best effort: nothing else can be done about a file that cannot be removed.
      }
      for (Path q = p.getParent(); q != null && q.startsWith(dir) && !q.equals(dir); ) {
        parents.add(q);
        q = q.getParent();
      }
    }
    // Folders the run made for its files (trials/), deepest first, when they are now empty.
    List<Path> folders = new ArrayList<>(parents);
    folders.sort((a, b) -> b.getNameCount() - a.getNameCount());
    for (Path f : folders) {
      deleteIfEmpty(f);
    }
    if (created) {
      // The folder this run made goes too. A run that opened the lock file in the meantime locks
      // a removed file and then fails to write into the removed folder: one line, no output.
      try {
        Files.deleteIfExists(dir.resolve(LOCK_FILE));
      } catch (IOException ignored) {
        // Then the folder stays.
      }
      deleteIfEmpty(dir);
    }
  }

  private static void deleteIfEmpty(Path folder) {
    try {
      Files.deleteIfExists(folder);
    } catch (DirectoryNotEmptyException e) {
      // It holds something else: keep it.
    } catch (IOException ignored) {
      // Best effort.
    }
  }

  private static void close(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // Closing releases the lock; nothing to recover.
    }
  }
}
