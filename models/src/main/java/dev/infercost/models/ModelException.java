package dev.infercost.models;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import java.nio.file.Path;

/** A model could not be loaded, run or saved; the message names the file and what to do. */
public class ModelException extends InfercostException {
  private static final long serialVersionUID = 1L;

  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * A failure the user gets past by changing {@code hint} (see {@link InfercostException#hint}).
   */
  public ModelException(String message, Parameter hint) {
    super(message, hint);
  }

  /** Like {@link #ModelException(String, Parameter)}, caused by {@code cause}. */
  public ModelException(String message, Parameter hint, Throwable cause) {
    super(message, hint, cause);
  }

  /** {@code "<file>: <problem>"} — the one-line shape every model error takes. */
  public static ModelException of(Path file, String problem) {
    return new ModelException(file + ": " + problem);
  }

  public static ModelException of(Path file, String problem, Throwable cause) {
    return new ModelException(file + ": " + problem, cause);
  }

  /** {@code "<file>: <problem>"}, got past by changing {@code hint}. */
  public static ModelException of(Path file, String problem, Parameter hint) {
    return new ModelException(file + ": " + problem, hint);
  }
}
