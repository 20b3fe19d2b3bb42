package dev.infercost.profile;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import java.nio.file.Path;

/** Input or evaluation data could not be read: wrong format, dtype, shape, or an empty file. */
public class DataException extends InfercostException {
  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  /**
   * A failure the user gets past by changing {@code hint} (see {@link InfercostException#hint}).
   */
  public DataException(String message, Parameter hint) {
    super(message, hint);
  }

  public static DataException of(Path file, String problem) {
    return new DataException(file + ": " + problem);
  }

  /** {@code "<file>: <problem>"}, got past by changing {@code hint}. */
  public static DataException of(Path file, String problem, Parameter hint) {
    return new DataException(file + ": " + problem, hint);
  }
}
