package dev.infercost.models.internal;

import dev.infercost.models.ModelException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory a model load may take: {@code -Dinfercost.max-memory}, else {@code
 * $INFERCOST_MAX_MEMORY}, else the JVM's maximum heap ({@code -Xmx}). A size is bytes or a number
 * with {@code k}, {@code m}, {@code g} or {@code t} (binary units), e.g. {@code 8g}. Loads are
 * refused before they allocate past it, with a line that says how to raise it.
 */
public final class MemoryBudget {
  public static final String PROPERTY = "infercost.max-memory";
  public static final String ENV = "INFERCOST_MAX_MEMORY";
  private static final Pattern SIZE = Pattern.compile("([0-9]+)([kmgt]?)b?");

  private MemoryBudget() {}

  /** The budget in bytes. */
  public static long bytes() throws ModelException {
    String p = System.getProperty(PROPERTY);
    if (p != null && !p.isBlank()) {
      return parse(p, "-D" + PROPERTY);
    }
    String e = System.getenv(ENV);
    if (e != null && !e.isBlank()) {
      return parse(e, ENV);
    }
    return Runtime.getRuntime().maxMemory();
  }

  /**
   * Refuses to go on when {@code bytes} (what {@code doing} would hold in memory) exceed the
   * budget.
   */
  public static void check(Path file, long bytes, String doing) throws ModelException {
    long budget;
    try {
      budget = bytes();
    } catch (ModelException e) {
      throw ModelException.of(file, e.getMessage());
    }
    if (bytes > budget) {
      throw ModelException.of(
          file,
          doing
              + " needs "
              + human(bytes)
              + ", over the memory budget of "
              + human(budget)
              + "; raise it with -D"
              + PROPERTY
              + "=SIZE or "
              + ENV
              + " (and the heap with -Xmx), or check the model's declared sizes");
    }
  }

  static long parse(String text, String where) throws ModelException {
    Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new ModelException(
          where + " '" + text + "' is not a size; give bytes or a number with k, m, g or t");
    }
    int shift =
        switch (m.group(2)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    try {
      long n = Long.parseLong(m.group(1));
      if (n <= 0 || n > (Long.MAX_VALUE >> shift)) {
        throw new NumberFormatException();
      }
      return n << shift;
    } catch (NumberFormatException e) {
      throw new ModelException(where + " '" + text + "' is not a size between 1 byte and 8 EiB");
    }
  }

  /** Bytes as a short figure: 512 bytes, 3.2 MiB, 17.0 TiB. */
  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " bytes";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
