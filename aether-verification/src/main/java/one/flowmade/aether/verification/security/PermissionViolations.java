package one.flowmade.aether.verification.security;

import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.support.Status;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A jnats {@link ErrorListener} that makes NATS permission violations visible: the server reports
 * them asynchronously ({@code -ERR 'Permissions Violation for Publish to "..."'}), not to the call
 * that caused them, so without a listener a denied publish or subscription just looks like
 * silence or a timeout.
 *
 * <p>Each violation is logged at ERROR with the subject, whether it was a publish or a
 * subscription, the connection's name and a pointer to {@code docs/security.md}, and kept so that
 * callers and tests can ask what was refused. Other errors and events go to the delegate.
 *
 * <pre>{@code
 * PermissionViolations violations = PermissionViolations.create();
 * Connection nc = Nats.connect(Options.builder().server(url).userInfo(user, password)
 *     .inboxPrefix(permissions.inboxPrefix()).errorListener(violations).build());
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class PermissionViolations implements ErrorListener {

  private static final Logger LOG = LoggerFactory.getLogger(PermissionViolations.class);
  private static final Pattern VIOLATION = Pattern.compile(
      "Permissions Violation for (Publish|Subscription) to \"?([^\"']+?)\"?(?: using queue.*)?'?$",
      Pattern.CASE_INSENSITIVE);

  private final ErrorListener delegate;
  private final List<Violation> violations = new CopyOnWriteArrayList<>();

  private PermissionViolations(ErrorListener delegate) {
    this.delegate = delegate;
  }

  /**
   * Returns a listener that records and logs violations and ignores everything else.
   *
   * @return the listener
   */
  public static PermissionViolations create() {
    return new PermissionViolations(new ErrorListener() { });
  }

  /**
   * Returns a listener that records and logs violations and passes every call on to another
   * listener.
   *
   * @param delegate the listener to pass calls on to
   * @return the listener
   */
  public static PermissionViolations delegatingTo(ErrorListener delegate) {
    return new PermissionViolations(Objects.requireNonNull(delegate, "delegate"));
  }

  /**
   * One refused publish or subscription.
   *
   * @param publish true for a publish, false for a subscription
   * @param subject the subject refused
   * @param connection the connection's name, or empty
   * @param at when the client learnt of it
   */
  public record Violation(boolean publish, String subject, String connection, Instant at) {

    /**
     * Describes the violation for people.
     *
     * @return one sentence
     */
    public String describe() {
      return "NATS refused to let connection '" + connection + "' "
          + (publish ? "publish to" : "subscribe to") + " '" + subject + "': its user has no "
          + "permission for that subject (see docs/security.md for the permissions a namespace"
          + " needs, and NamespacePermissions to generate them)";
    }
  }

  /**
   * Parses a server error text.
   *
   * @param error the text jnats passes to {@link #errorOccurred}
   * @return whether it is a permission violation: the kind and subject, connection unknown
   */
  static Optional<Violation> parse(String error, String connection) {
    if (error == null) {
      return Optional.empty();
    }
    Matcher m = VIOLATION.matcher(error.strip());
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(new Violation(m.group(1).equalsIgnoreCase("Publish"), m.group(2),
        connection, Instant.now()));
  }

  @Override
  public void errorOccurred(Connection conn, String error) {
    String name = conn == null || conn.getOptions() == null
        || conn.getOptions().getConnectionName() == null ? "" : conn.getOptions().getConnectionName();
    Optional<Violation> violation = parse(error, name);
    if (violation.isPresent()) {
      violations.add(violation.get());
      LOG.error(violation.get().describe());
    }
    delegate.errorOccurred(conn, error);
  }

  @Override
  public void exceptionOccurred(Connection conn, Exception exp) {
    delegate.exceptionOccurred(conn, exp);
  }

  @Override
  public void slowConsumerDetected(Connection conn, Consumer consumer) {
    delegate.slowConsumerDetected(conn, consumer);
  }

  @Override
  public void messageDiscarded(Connection conn, Message msg) {
    delegate.messageDiscarded(conn, msg);
  }

  @Override
  public void heartbeatAlarm(Connection conn, JetStreamSubscription sub,
      long lastStreamSequence, long lastConsumerSequence) {
    delegate.heartbeatAlarm(conn, sub, lastStreamSequence, lastConsumerSequence);
  }

  @Override
  public void unhandledStatus(Connection conn, JetStreamSubscription sub, Status status) {
    delegate.unhandledStatus(conn, sub, status);
  }

  @Override
  public void pullStatusWarning(Connection conn, JetStreamSubscription sub, Status status) {
    delegate.pullStatusWarning(conn, sub, status);
  }

  @Override
  public void pullStatusError(Connection conn, JetStreamSubscription sub, Status status) {
    delegate.pullStatusError(conn, sub, status);
  }

  @Override
  public void flowControlProcessed(Connection conn, JetStreamSubscription sub, String subject,
      FlowControlSource source) {
    delegate.flowControlProcessed(conn, sub, subject, source);
  }

  @Override
  public void socketWriteTimeout(Connection conn) {
    delegate.socketWriteTimeout(conn);
  }

  /**
   * Returns every violation seen so far, oldest first.
   *
   * @return an immutable copy
   */
  public List<Violation> violations() {
    return List.copyOf(violations);
  }

  /**
   * Returns whether a publish or subscription to a subject was refused.
   *
   * @param subject the exact subject or filter
   * @return true if a violation names it
   */
  public boolean refused(String subject) {
    return violations.stream().anyMatch(v -> v.subject().equals(subject));
  }

  /** Forgets the violations seen so far. */
  public void clear() {
    violations.clear();
  }
}
