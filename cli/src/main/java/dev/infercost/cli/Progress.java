package dev.infercost.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;

/**
 * Progress lines on stderr: rewritten in place on a terminal, one line each otherwise, nothing with
 * {@code --quiet}.
 */
final class Progress implements Consumer<String> {
  private final PrintWriter err;
  private final boolean quiet;
  private final boolean live;
  private int lastLength;

  Progress(PrintWriter err, boolean quiet) {
    this.err = err;
    this.quiet = quiet;
    this.live = System.console() != null && System.getenv("CI") == null;
  }

  @Override
  public void accept(String line) {
    if (quiet) {
      return;
    }
    if (live && !line.startsWith("note:")) {
      String pad = " ".repeat(Math.max(0, lastLength - line.length()));
      err.print("\r" + line + pad);
      lastLength = line.length();
    } else {
      clear();
      err.println(line);
    }
    err.flush();
  }

  /** Ends a live line so the result starts on a clean line. */
  void clear() {
    if (live && lastLength > 0) {
      err.print("\r" + " ".repeat(lastLength) + "\r");
      err.flush();
      lastLength = 0;
    }
  }
}
