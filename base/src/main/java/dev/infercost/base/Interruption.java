package dev.infercost.base;

import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Stopping a run cleanly when the process is told to stop (Ctrl-C, {@code kill}). Native code (ONNX
 * Runtime creating a session or running a model, PyTorch through DJL) cannot be interrupted, and a
 * process that exits while a thread is inside it crashes in the native library's teardown. So every
 * native call runs inside a {@link #enter() section}; {@link #request()} lets the sections in
 * flight finish, after which any new section throws {@link CancellationException} at its start, so
 * the run unwinds through its {@code finally} blocks (closing sessions, removing partial outputs,
 * see {@link OutputSet}) without touching native code again.
 *
 * <p>The state is the process's: a signal stops the whole process. A library user who never calls
 * {@link #request()} sees no difference.
 *
 * <pre>{@code
 * try (Interruption.Section s = Interruption.enter()) {
 *   session = env.createSession(file, options);
 * }
 * }</pre>
 */
public final class Interruption {
  private static volatile boolean requested;

  // Sections hold the read lock; request() takes the write lock once, which waits for them all.
  private static final ReentrantReadWriteLock GATE = new ReentrantReadWriteLock();

  private Interruption() {}

  /** A native call in flight; {@link #close()} ends it. */
  public static final class Section implements AutoCloseable {
    private boolean open = true;

    private Section() {}

    @Override
    public void close() {
      if (open) {
        open = false;
        GATE.readLock().unlock();
      }
    }
  }

  /**
   * Starts a native call.
   *
   * @throws CancellationException when the process is stopping: do not start the call
   */
  public static Section enter() {
    check();
    GATE.readLock().lock();
    if (requested) {
      GATE.readLock().unlock();
      throw cancelled();
    }
    return new Section();
  }

  /**
   * A safe point outside native code: throws {@link CancellationException} when the process is
   * stopping.
   */
  public static void check() {
    if (requested) {
      throw cancelled();
    }
  }

  /** Whether {@link #request()} was called. */
  public static boolean requested() {
    return requested;
  }

  /**
   * Asks every run in this process to stop and returns once no native call is in flight; none
   * starts afterwards. Called from a shutdown hook or signal handler; the calling thread must not
   * be inside a section.
   */
  public static void request() {
    requested = true;
    GATE.writeLock().lock();
    GATE.writeLock().unlock();
  }

  private static CancellationException cancelled() {
    return new CancellationException("interrupted: the process is stopping");
  }
}
