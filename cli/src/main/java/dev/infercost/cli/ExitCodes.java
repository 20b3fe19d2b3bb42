package dev.infercost.cli;

/** Process exit codes shared by every command. */
final class ExitCodes {
  static final int OK = 0;
  static final int BOUND_NOT_MET = 1;
  static final int BAD_INPUT = 2;
  static final int INTERNAL = 3;

  /**
   * Stopped by SIGINT (Ctrl-C): 128 + 2, what a shell reports; SIGTERM's 143 comes from the JVM.
   */
  static final int INTERRUPTED = 130;

  private ExitCodes() {}
}
