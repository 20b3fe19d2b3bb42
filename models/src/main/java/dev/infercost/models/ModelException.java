package dev.infercost.models;

import dev.infercost.base.InfercostException;
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

  /** {@code "<file>: <problem>"} — the one-line shape every model error takes. */
  public static ModelException of(Path file, String problem) {
    return new ModelException(file + ": " + problem);
  }

  public static ModelException of(Path file, String problem, Throwable cause) {
    return new ModelException(file + ": " + problem, cause);
  }
}
