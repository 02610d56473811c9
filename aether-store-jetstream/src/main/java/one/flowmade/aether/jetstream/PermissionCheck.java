package one.flowmade.aether.jetstream;

import io.nats.client.Connection;
import java.util.Locale;
import java.util.Optional;
import one.flowmade.aether.PermissionDeniedException;

/**
 * Tells an unanswered request apart from a refused one: NATS reports a permissions violation only
 * asynchronously, as the connection's last server error, and the request itself just gets no
 * answer.
 */
final class PermissionCheck {

  private static final String PUBLISH_VIOLATION = "permissions violation for publish to ";

  private PermissionCheck() {}

  /**
   * Returns the failure to report if the connection's last server error is a publish violation
   * for one of {@code subjects}; empty otherwise, also for violations of other subjects.
   */
  static Optional<PermissionDeniedException> refused(Connection connection, String what,
      String... subjects) {
    String error = connection.getLastError();
    if (error == null) {
      return Optional.empty();
    }
    String text = error.trim();
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
