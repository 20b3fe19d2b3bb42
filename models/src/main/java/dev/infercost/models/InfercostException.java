package dev.infercost.models;

/**
 * Base of the checked exceptions infercost raises for problems the user can fix: a bad model file,
 * bad data, a bad option. The message is one line that names what failed, where, and what to do
 * next; the command line prints it and exits with code 2.
 */
public class InfercostException extends Exception {
  private static final long serialVersionUID = 1L;

  public InfercostException(String message) {
    super(message);
  }

  public InfercostException(String message, Throwable cause) {
    super(message, cause);
  }
}
