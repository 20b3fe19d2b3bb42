package dev.infercost.profile;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;

/**
 * A task metric could not be found, loaded or run: an unknown name, a jar that cannot be read, a
 * plug-in that fails.
 */
public class MetricException extends InfercostException {
  private static final long serialVersionUID = 1L;

  /** A failure the user gets past by changing {@code hint}. */
  public MetricException(String message, Parameter hint) {
    super(message, hint);
  }

  /** A failure caused by {@code cause}, got past by changing {@code hint}. */
  public MetricException(String message, Parameter hint, Throwable cause) {
    super(message, hint, cause);
  }
}
