package dev.infercost.profile;

import dev.infercost.base.InfercostException;
import java.nio.file.Path;

/** Input or evaluation data could not be read: wrong format, dtype, shape, or an empty file. */
public class DataException extends InfercostException {
  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  public static DataException of(Path file, String problem) {
    return new DataException(file + ": " + problem);
  }
}
