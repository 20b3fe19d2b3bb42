package dev.infercost.cli;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Interruption;
import dev.infercost.base.OutputSet;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import sun.misc.Signal;

/** The {@code infercost} command line: a thin shell over the library. */
public final class Main {
  /** How long a stopping process waits for the command to unwind after the last native call. */
  private static final long UNWIND_SECONDS = 10;

  private Main() {}

  public static void main(String[] args) {
    CountDownLatch done = new CountDownLatch(1);
    AtomicBoolean stopping = new AtomicBoolean();
    for (String name : List.of("INT", "TERM", "HUP")) {
      Signal.handle(new Signal(name), s -> stop(s, done, stopping));
    }
    int code = newCommandLine().execute(args);
    done.countDown();
    while (stopping.get()) {
      // The signal handler ends the process with the signal's exit code.
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        // Keep waiting: only the handler ends the process now.
      }
    }
    System.exit(code);
  }

  /**
   * On SIGINT, SIGTERM or SIGHUP, instead of the JVM's own shutdown (whose hooks, ONNX Runtime's
   * among them, release native state while a session may still be being created, which crashes the
   * process): let the native call in flight finish and start no other, give the command a few
   * seconds to unwind (which removes its unfinished outputs), remove whatever is left, and exit
   * with 128 + the signal's number, as a shell reports it. A second signal changes nothing.
   */
  private static void stop(Signal signal, CountDownLatch done, AtomicBoolean stopping) {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    Interruption.request();
    try {
      done.await(UNWIND_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    OutputSet.abandonAll();
    System.out.flush();
    System.err.flush();
    // halt, not exit: the native state stays as it is until the process is gone.
    Runtime.getRuntime().halt(128 + signal.getNumber());
  }

  /**
   * The root command with its error handling: exit 2 for bad input (one line, with the flag of the
   * running command that the error's hint names, if it has one), 3 for internal errors.
   */
  public static CommandLine newCommandLine() {
    CommandLine cl = new CommandLine(new InfercostCommand());
    cl.setExecutionExceptionHandler(Main::handleExecutionException);
    cl.setParameterExceptionHandler(Main::handleParameterException);
    return cl;
  }

  private static int handleExecutionException(
      Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    if (Interruption.requested()) {
      // Whatever failed, it failed because the process is stopping.
      err.println("infercost " + cl.getCommandName() + ": interrupted; unfinished outputs removed");
      err.flush();
      return ExitCodes.INTERRUPTED;
    }
    boolean verbose =
        cl.getParseResult() != null && cl.getParseResult().hasMatchedOption("--verbose");
    if (e instanceof InfercostException ie) {
      // The library names the parameter to change; the user needs this command's flag for it.
      err.println(
          "infercost "
              + cl.getCommandName()
              + ": "
              + e.getMessage()
              + Hints.suffix(ie, cl.getCommandSpec()));
      if (verbose) {
        e.printStackTrace(err);
      }
      err.flush();
      return ExitCodes.BAD_INPUT;
    }
    err.println(
        "infercost "
            + cl.getCommandName()
            + ": internal error: "
            + e
            + (verbose ? "" : " (run with --verbose for the stack trace)"));
    if (verbose) {
      e.printStackTrace(err);
    }
    err.flush();
    return ExitCodes.INTERNAL;
  }

  private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    String cmd = cl.getCommandSpec().qualifiedName();
    cl.getErr().println(cmd + ": " + e.getMessage() + " (see '" + cmd + " --help')");
    cl.getErr().flush();
    return ExitCodes.BAD_INPUT;
  }
}
