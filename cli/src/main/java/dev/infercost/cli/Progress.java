package dev.infercost.cli;

import dev.infercost.base.Fmt;
import dev.infercost.models.Models;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Progress on stderr. On a terminal (and not under CI): one live line, cut to the terminal width
 * ({@code COLUMNS}, else 80) so it never wraps, and erased before the result; a step that says
 * {@code N of M} gets a bar, the time since its first step and an estimate of the time left.
 * Elsewhere plain lines, one per message; nothing with {@code --quiet}. Paths into the built-in
 * model cache read {@code builtin:FILE}, paths under the working folder relative to it.
 */
final class Progress implements Consumer<String> {
  private static final Pattern STEP = Pattern.compile("(\\d+) of (\\d+)");
  private static final String ERASE = "\r\033[K";
  private static final int BAR = 20;

  private final PrintWriter err;
  private final boolean quiet;
  private final boolean live;
  private final int width;
  private final LongSupplier clock;
  private final String cache;
  private final String cwd;
  private boolean shown;
  private String stepKey;
  private long stepStart;
  private int stepFirst;

  Progress(PrintWriter err, boolean quiet) {
    this(
        err,
        quiet,
        System.console() != null && System.getenv("CI") == null,
        columns(System.getenv("COLUMNS")),
        System::nanoTime);
  }

  Progress(PrintWriter err, boolean quiet, boolean live, int width, LongSupplier clock) {
    this.err = err;
    this.quiet = quiet;
    this.live = live;
    this.width = width;
    this.clock = clock;
    this.cache = Models.cacheDir().toAbsolutePath() + "/builtin/";
    this.cwd = Path.of("").toAbsolutePath() + "/";
  }

  /** The terminal width {@code COLUMNS} gives, else 80. */
  static int columns(String env) {
    try {
      int c = env == null ? 80 : Integer.parseInt(env.trim());
      return c >= 20 ? c : 80;
    } catch (NumberFormatException e) {
      return 80;
    }
  }

  @Override
  public void accept(String message) {
    if (quiet) {
      return;
    }
    String line = shorten(message);
    if (live && !line.startsWith("note:")) {
      err.print(ERASE + cut(status(line)));
      shown = true;
    } else {
      clear();
      err.println(line);
    }
    err.flush();
  }

  /** Erases the live line so the result starts on a clean line. */
  void clear() {
    if (live && shown) {
      err.print(ERASE);
      err.flush();
      shown = false;
    }
  }

  /** Cache paths as {@code builtin:FILE}, paths under the working folder relative to it. */
  String shorten(String line) {
    return line.replaceAll(Pattern.quote(cache) + "[^/\\s]+/", "builtin:").replace(" " + cwd, " ");
  }

  /** The live text: with a bar, elapsed and time left when the message counts steps. */
  private String status(String line) {
    Matcher m = STEP.matcher(line);
    if (!m.find()) {
      stepKey = null;
      return line;
    }
    int n = Integer.parseInt(m.group(1));
    int total = Integer.parseInt(m.group(2));
    if (total <= 0) {
      return line;
    }
    int done = Math.max(0, Math.min(total, n - 1));
    long now = clock.getAsLong();
    String key = line.substring(0, m.start()) + "#" + total;
    if (!key.equals(stepKey)) {
      stepKey = key;
      stepStart = now;
      stepFirst = done;
    }
    double elapsed = (now - stepStart) / 1e9;
    int filled = (int) Math.round((double) done / total * BAR);
    StringBuilder s =
        new StringBuilder("[")
            .append("#".repeat(filled))
            .append("-".repeat(BAR - filled))
            .append("] ")
            .append(done)
            .append('/')
            .append(total)
            .append(' ')
            .append(clock(elapsed));
    if (done > stepFirst) {
      s.append(", ETA ").append(clock(elapsed / (done - stepFirst) * (total - done)));
    }
    return s.append("  ").append(line).toString();
  }

  private String cut(String s) {
    return Fmt.clip(s, width - 1);
  }

  private static String clock(double seconds) {
    long t = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
  }
}
