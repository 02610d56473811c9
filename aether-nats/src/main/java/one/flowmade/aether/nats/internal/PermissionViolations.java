package one.flowmade.aether.nats.internal;

import java.util.Locale;
import java.util.Optional;
import one.flowmade.aether.PermissionDeniedException;

/**
 * Tells a publish the NATS server refused for lack of permission from one that just went
 * unanswered. NATS reports a permissions violation to the connection (as its last error), not to
 * the request, which otherwise just gets no answer. Stateless and thread-safe.
 */
public final class PermissionViolations {

  private static final String PUBLISH_VIOLATION = "permissions violation for publish to ";

  private PermissionViolations() {}

  /**
   * Reads a NATS server error (such as jnats' {@code Connection.getLastError()}) and returns the
   * failure to report if it is a publish violation for one of {@code subjects}. Violations of other
   * subjects, subscription violations and other errors give empty.
   *
   * @param serverError the server's error text, or null if there is none
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
        return Optional.of(PermissionDeniedException.toPublish(subject, what, text));
      }
    }
    return Optional.empty();
  }
}
