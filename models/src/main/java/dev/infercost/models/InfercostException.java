package dev.infercost.models;

/**
 * Base of the checked exceptions infercost raises for problems the user can fix: a bad model file,
 * bad data, a bad option. The message is one line that names what failed, where, and what to do
 * next; the command line prints it and exits with code 2.
 *
 * <p>Messages often echo names read from files (value names, external-data locations, array names),
 * which may hold line breaks or other control characters; the constructors escape them (see {@link
 * #oneLine}), so a message is one line whatever a file holds.
 */
public class InfercostException extends Exception {
  private static final long serialVersionUID = 1L;

  public InfercostException(String message) {
    super(oneLine(message));
  }

  public InfercostException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  /**
   * {@code s} on one line: trailing line breaks dropped, control characters (line breaks, tabs,
   * escapes) and Unicode line/paragraph separators written as {@code \n}, {@code \r}, {@code \t} or
   * {@code \}{@code uXXXX}. {@code null} stays {@code null}.
   */
  public static String oneLine(String s) {
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
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
