package dev.infercost.gate;

import dev.infercost.base.InfercostException;
import dev.infercost.base.OneLine;
import java.nio.file.Path;

/**
 * A results or baseline file could not be read, or an output file could not be written. The message
 * is one line: the file, what is wrong with it and what to do.
 */
public class GateInputException extends InfercostException {
  private static final long serialVersionUID = 1L;

  public GateInputException(String message) {
    super(message);
  }

  public GateInputException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code "<file>: <problem>"}, the shape every gate error takes. */
  static GateInputException of(Object file, String problem) {
    return new GateInputException(file + ": " + OneLine.joined(problem));
  }

  static GateInputException of(Path file, String problem, Throwable cause) {
    return new GateInputException(file + ": " + OneLine.joined(problem), cause);
  }
}
