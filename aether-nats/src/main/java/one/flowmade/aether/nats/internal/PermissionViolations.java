package one.flowmade.aether.nats.internal;

import io.nats.client.Connection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import one.flowmade.aether.PermissionDeniedException;

/**
 * Tells a publish the NATS server refused for lack of permission from one that just went
 * unanswered. NATS reports a permissions violation to the connection (as its last error), not to
 * the request, which otherwise just gets no answer; and jnats keeps that last error until the
 * next one, for as long as the connection lives. So only a violation reported <em>after</em> the
 * request was sent may count: {@link #mark(Connection)} remembers the connection's last error
 * before a request, and {@link Mark#refusal} counts an error only if the server reported a new
 * one since (jnats stores every error it receives as a new string, so the comparison is by
 * identity: the same text reported again is a new error). A violation from earlier leaves the
 * outcome of a later unanswered request unknown, as it is. Thread-safe.
 */
public final class PermissionViolations {

  private static final String PUBLISH_VIOLATION = "permissions violation for publish to ";
  private static final String STREAM_CREATE = "$JS.API.STREAM.CREATE.";
  private static final String STREAM_UPDATE = "$JS.API.STREAM.UPDATE.";

  private PermissionViolations() {}

  /**
   * Remembers the connection's last error before a request, so that {@link Mark#refusal} counts
   * only a violation the server reports afterwards.
   *
   * @param connection the connection the request is sent on
   * @return the mark
   */
  public static Mark mark(Connection connection) {
    return new Mark(connection, connection.getLastError());
  }

  /** The connection's last error when a request was sent. Immutable, thread-safe. */
  public static final class Mark {
    private final Connection connection;
    private final String before;

    private Mark(Connection connection, String before) {
      this.connection = connection;
      this.before = before;
    }

    /**
     * Returns the failure to report if the server reported, since the mark, a publish violation
     * for one of {@code subjects}.
     *
     * @param what what the caller was doing, for the message
     * @param subjects the subjects the caller published to after the mark
     * @return the failure, or empty if no such violation was reported since the mark
     */
    @SuppressWarnings("ReferenceEquality") // jnats stores each error it receives as a new string
    public Optional<PermissionDeniedException> refusal(String what, String... subjects) {
      String now = connection.getLastError();
      if (now == null || now == before) {
        return Optional.empty();
      }
      return fromServerError(now, what, subjects);
    }

    /**
     * Returns the failure to report, with what to do about it, if the server reported, since
     * the mark, a publish violation for one of {@code subjects}.
     *
     * @param what what the caller was doing, for the message
     * @param remedy what to do, e.g. which role has the right; completes the message
     * @param subjects the subjects the caller published to after the mark
     * @return the failure, or empty if no such violation was reported since the mark
     */
    public Optional<PermissionDeniedException> refusal(String what, String remedy,
        List<String> subjects) {
      return refusal(what, subjects.toArray(String[]::new)).map(refused ->
          PermissionDeniedException.toPublish(refused.subject(), what,
              String.valueOf(connection.getLastError()).trim(), remedy));
    }
  }

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
        return Optional.of(remedy(subject)
            .map(remedy -> PermissionDeniedException.toPublish(subject, what, text, remedy))
            .orElseGet(() -> PermissionDeniedException.toPublish(subject, what, text)));
      }
    }
    return Optional.empty();
  }

  /**
   * What to do when a stream or bucket create or update was refused: that is the provisioning
   * role's right, which the application role never has.
   */
  private static Optional<String> remedy(String subject) {
    boolean create = subject.startsWith(STREAM_CREATE);
    if (!create && !subject.startsWith(STREAM_UPDATE)) {
      return Optional.empty();
    }
    String stream = subject.substring((create ? STREAM_CREATE : STREAM_UPDATE).length());
    String namespace = AetherStreams.namespaceOf(stream).orElse("<namespace>");
    return Optional.of((create ? "the stream '" + stream + "' does not exist, and creating it"
        : "the stream '" + stream + "' needs a change (aether-admin's Provisioner.plan() for"
            + " namespace '" + namespace + "' shows it), and changing it")
        + " needs the PROVISIONING role, which the application role Aether runs with does not"
        + " have. Provision the namespace first with a provisioning-role user: aether-admin's"
        + " Provisioner.apply() for namespace '" + namespace + "' (docs/operations.md,"
        + " Provisioning), then start again");
  }
}
