package dev.infercost.cost;

/**
 * A hardware catalog (the built-in one or a user file) could not be read or used: bad JSON, a
 * missing or malformed field, a negative price, an unknown kind, a duplicate id, an unsupported
 * schema, or an entry that lacks a figure a projection needs.
 *
 * <p>The message is one line naming the file, the entry and the field, and what to do next, for
 * example {@code my.json: entry #2 'aws-x': priceUsdPerHour must be > 0, got -1.0; fix the entry}.
 * Control characters echoed from a file are escaped, so the message is one line whatever the file
 * holds.
 */
public class CatalogException extends Exception {
  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message} (made one line). */
  public CatalogException(String message) {
    super(oneLine(message));
  }

  /** A failure described by {@code message} (made one line), caused by {@code cause}. */
  public CatalogException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  static String oneLine(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
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
