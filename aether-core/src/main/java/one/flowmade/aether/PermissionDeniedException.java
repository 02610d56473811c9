package one.flowmade.aether;

import java.util.Objects;

/**
 * The server refused a publish because the user lacks permission for its subject (the address the
 * message was published to). Retrying will not help until the user's permissions or the
 * configured namespace change. Stores, buses and the cluster throw it as soon as they can tell a
 * refused request from one that merely went unanswered.
 */
public final class PermissionDeniedException extends AetherNonTransientException {

  private static final long serialVersionUID = 1L;

  private final String subject;

  private PermissionDeniedException(String message, String subject) {
    super(message, null);
    this.subject = subject;
  }

  /**
   * Creates the exception for a refused publish.
   *
   * @param subject the subject the server refused
   * @param what what could not be done, e.g. {@code "open the event store of namespace 'orders'"}
   * @param serverError the server's error text
   * @return the exception
   */
  public static PermissionDeniedException toPublish(String subject, String what,
      String serverError) {
    return toPublish(subject, what, serverError, "grant it or use the namespace the user is"
        + " allowed");
  }

  /**
   * Creates the exception for a refused publish, with what to do about it.
   *
   * @param subject the subject the server refused
   * @param what what could not be done, e.g. {@code "open the event store of namespace 'orders'"}
   * @param serverError the server's error text
   * @param remedy what to do, e.g. which role has the right; completes the message
   * @return the exception
   */
  public static PermissionDeniedException toPublish(String subject, String what,
      String serverError, String remedy) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(serverError, "serverError");
    Objects.requireNonNull(remedy, "remedy");
    return new PermissionDeniedException("cannot " + what + ": the NATS user lacks permission to"
        + " publish to '" + subject + "' (server: " + serverError + "); " + remedy, subject);
  }

  /**
   * Returns the subject the server refused.
   *
   * @return the subject
   */
  public String subject() {
    return subject;
  }
}
