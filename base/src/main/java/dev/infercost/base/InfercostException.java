package dev.infercost.base;

import java.util.Optional;

/**
 * Base of the checked exceptions infercost raises for problems the user can fix: a bad model file,
 * bad data, a bad option. The message is one line that names what failed, where, and what to do
 * next; the command line prints it and exits with code 2.
 *
 * <p>Messages often echo names read from files (value names, external-data locations, array names),
 * which may hold line breaks or other control characters; the constructors escape them (see {@link
 * OneLine#of}), so a message is one line whatever a file holds.
 *
 * <p>Messages speak in library words ("pass evaluation data"), never in the spelling of one front
 * end (a command-line flag). Where one request parameter is what the user should change, the
 * exception carries it as its {@link #hint()}, and a front end adds its own name for it: the
 * command line appends the flag of the command that ran, if that command has one.
 */
public class InfercostException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The parameter to change, or null. */
  private final Parameter hint;

  public InfercostException(String message) {
    this(message, (Parameter) null);
  }

  public InfercostException(String message, Throwable cause) {
    this(message, null, cause);
  }

  /**
   * A failure described by {@code message} (made one line) that the user gets past by changing
   * {@code hint} (may be null: no hint).
   */
  public InfercostException(String message, Parameter hint) {
    super(OneLine.of(message));
    this.hint = hint;
  }

  /**
   * A failure described by {@code message} (made one line), caused by {@code cause}, that the user
   * gets past by changing {@code hint} (may be null: the cause's hint, if it has one).
   */
  public InfercostException(String message, Parameter hint, Throwable cause) {
    super(OneLine.of(message), cause);
    this.hint = hint;
  }

  /**
   * The request parameter the user should change to get past this failure: the one given when this
   * exception was made, else the hint of its cause when that is an {@code InfercostException}
   * (whose message a wrapping message repeats), else empty.
   */
  public Optional<Parameter> hint() {
    if (hint != null) {
      return Optional.of(hint);
    }
    return getCause() instanceof InfercostException c ? c.hint() : Optional.empty();
  }
}
