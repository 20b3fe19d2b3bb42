package dev.infercost.base;

/**
 * Base of the checked exceptions infercost raises for problems the user can fix: a bad model file,
 * bad data, a bad option. The message is one line that names what failed, where, and what to do
 * next; the command line prints it and exits with code 2.
 *
 * <p>Messages often echo names read from files (value names, external-data locations, array names),
 * which may hold line breaks or other control characters; the constructors escape them (see {@link
 * OneLine#of}), so a message is one line whatever a file holds.
 */
public class InfercostException extends Exception {
  private static final long serialVersionUID = 1L;

  public InfercostException(String message) {
    super(OneLine.of(message));
  }

  public InfercostException(String message, Throwable cause) {
    super(OneLine.of(message), cause);
  }
}
