package dev.infercost.cli;

import dev.infercost.base.InfercostException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** The {@code infercost} command line: a thin shell over the library. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
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
