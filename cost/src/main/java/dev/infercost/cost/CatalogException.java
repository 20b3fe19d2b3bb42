package dev.infercost.cost;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;

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
public class CatalogException extends InfercostException {
  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message} (made one line). */
  public CatalogException(String message) {
    super(message);
  }

  /** A failure described by {@code message} (made one line), caused by {@code cause}. */
  public CatalogException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * A failure the user gets past by changing {@code hint} (see {@link InfercostException#hint}).
   */
  public CatalogException(String message, Parameter hint) {
    super(message, hint);
  }
}
