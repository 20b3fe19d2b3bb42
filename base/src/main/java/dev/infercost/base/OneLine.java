package dev.infercost.base;

import java.util.Locale;

/**
 * The one formatter for one-line messages. Messages echo names read from files (value names,
 * external-data locations, array names) and the messages of other libraries (JSON parsers, native
 * engines), which may hold line breaks or other control characters; every error message of
 * infercost passes through here so it prints as one line whatever a file or library holds.
 */
public final class OneLine {
  private OneLine() {}

  /**
   * {@code s} on one line: trailing line breaks dropped, control characters (line breaks, tabs,
   * escapes) and Unicode line/paragraph separators written as {@code \n}, {@code \r}, {@code \t} or
   * {@code \}{@code uXXXX}. {@code null} stays {@code null}.
   */
  public static String of(String s) {
    if (s == null) {
      return null;
    }
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
      end--;
    }
    StringBuilder b = new StringBuilder(end + 16);
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  /**
   * Another library's multi-line message as one line of prose: each run of whitespace holding a
   * line break becomes one space ({@code ""} for {@code null}).
   */
  public static String joined(String s) {
    return s == null ? "" : of(s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip());
  }

  /**
   * The first line of {@code e}'s message: native engines append stack traces and source excerpts
   * after it that say nothing to a user.
   */
  public static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return of(nl < 0 ? m : m.substring(0, nl));
  }
}
