package one.flowmade.aether;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The NATS server refused a publish because the connection's user lacks permission for its
 * subject (the server's {@code Permissions Violation for Publish to "<subject>"}). Retrying will
 * not help until the user's permissions or the configured namespace change.
 *
 * <p>NATS reports the violation to the connection, not to the request, which otherwise just gets
 * no answer; Aether's stores and cluster node check the connection's last server error as soon
 * as a request goes unanswered and throw this exception if the error names the subject they used.
 */
public final class PermissionDeniedException extends AetherNonTransientException {

  private static final long serialVersionUID = 1L;

  private static final String PUBLISH_VIOLATION = "permissions violation for publish to ";

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
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(serverError, "serverError");
    return new PermissionDeniedException("cannot " + what + ": the NATS user lacks permission to"
        + " publish to '" + subject + "' (server: " + serverError + "); grant it or use the"
        + " namespace the user is allowed", subject);
  }

  /**
   * Reads a NATS server error (such as jnats' {@code Connection.getLastError()}) and returns the
   * failure to report if it is a publish violation for one of {@code subjects}. NATS reports a
   * permissions violation only asynchronously, so a refused request just gets no answer; this
   * tells the two apart. Violations of other subjects, subscription violations and other errors
   * give empty.
   *
   * @param serverError the server's last error text, or null if there is none
   * @param what what the caller was doing, for the message
   * @param subjects the subjects the caller just published to
   * @return the failure, or empty if the error is not a publish violation for those subjects
   */
  public static Optional<PermissionDeniedException> fromServerError(String serverError,
      String what, String... subjects) {
    if (serverError == null) {
      return Optional.empty();
    }
    String text = serverError.trim();
    if (!text.toLowerCase(Locale.ROOT).startsWith(PUBLISH_VIOLATION)) {
      return Optional.empty();
    }
    String rest = text.substring(PUBLISH_VIOLATION.length());
    for (String subject : subjects) {
      if (rest.equals("\"" + subject + "\"") || rest.equals(subject)) {
        return Optional.of(toPublish(subject, what, text));
      }
    }
    return Optional.empty();
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
