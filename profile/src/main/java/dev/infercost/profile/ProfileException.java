package dev.infercost.profile;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;

/** A model could not be profiled as asked (bad shape, missing provider, bad inputs). */
public class ProfileException extends InfercostException {
  private static final long serialVersionUID = 1L;

  public ProfileException(String message) {
    super(message);
  }

  public ProfileException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * A failure the user gets past by changing {@code hint} (see {@link InfercostException#hint}).
   */
  public ProfileException(String message, Parameter hint) {
    super(message, hint);
  }
}
