package dev.infercost.compress;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;

/** A compression pass or pipeline could not do what was asked; the message says what to change. */
public class CompressException extends InfercostException {
  private static final long serialVersionUID = 1L;

  public CompressException(String message) {
    super(message);
  }

  public CompressException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * A failure the user gets past by changing {@code hint} (see {@link InfercostException#hint}).
   */
  public CompressException(String message, Parameter hint) {
    super(message, hint);
  }

  /** Like {@link #CompressException(String, Parameter)}, caused by {@code cause}. */
  public CompressException(String message, Parameter hint, Throwable cause) {
    super(message, hint, cause);
  }
}
