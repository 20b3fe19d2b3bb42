package dev.infercost.compress;

import dev.infercost.base.InfercostException;

/** A compression pass or pipeline could not do what was asked; the message says what to change. */
public class CompressException extends InfercostException {
  private static final long serialVersionUID = 1L;

  public CompressException(String message) {
    super(message);
  }

  public CompressException(String message, Throwable cause) {
    super(message, cause);
  }
}
