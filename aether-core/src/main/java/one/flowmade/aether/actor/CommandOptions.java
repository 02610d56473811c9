package one.flowmade.aether.actor;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import one.flowmade.aether.Deadline;
import one.flowmade.aether.Metadata;
import org.jspecify.annotations.Nullable;

/**
 * How to run one command: its command id (for idempotent retries), the metadata every event it
 * appends carries, and how long it may take. Start from {@link #defaults()} and copy with the
 * {@code withX} methods:
 *
 * <pre>{@code
 * accounts.execute("acc-1", CommandOptions.defaults()
 *     .withCommandId(request.id())
 *     .withMetadata(Metadata.builder().userId(user).build()),
 *     account -> account.deposit(100));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class CommandOptions {

  /** The longest command id, in characters. */
  public static final int MAX_COMMAND_ID_LENGTH = 256;

  private static final CommandOptions DEFAULTS = new CommandOptions(null, Metadata.empty(), null,
      null);

  private final @Nullable String commandId;
  private final Metadata metadata;
  private final @Nullable Duration timeout;
  private final @Nullable Deadline deadline;

  private CommandOptions(@Nullable String commandId, Metadata metadata, @Nullable Duration timeout,
      @Nullable Deadline deadline) {
    this.commandId = commandId;
    this.metadata = metadata;
    this.timeout = timeout;
    this.deadline = deadline;
  }

  /**
   * Returns the options with no command id, no metadata and the repository's command timeout.
   *
   * @return the defaults
   */
  public static CommandOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a copy with a command id: the events the command appends get ids derived from it
   * ({@link CommandIds#eventId}) and carry it in their metadata ({@link CommandIds#METADATA_KEY}),
   * so executing the command again with the same id, after an unknown outcome, applies it at most
   * once. Use one id per intended change (a request id, say), never one per attempt.
   *
   * @param commandId 1 to {@value #MAX_COMMAND_ID_LENGTH} characters without control characters
   * @return the copy
   * @throws IllegalArgumentException if the id is empty, too long or has a control character
   */
  public CommandOptions withCommandId(String commandId) {
    return new CommandOptions(CommandIds.check(commandId), metadata, timeout, deadline);
  }

  /**
   * Returns a copy whose events carry {@code metadata} (correlation id, user id …).
   *
   * @param metadata the metadata; must not use the key {@link CommandIds#METADATA_KEY}
   * @return the copy
   * @throws IllegalArgumentException if the metadata uses {@link CommandIds#METADATA_KEY}
   */
  public CommandOptions withMetadata(Metadata metadata) {
    Objects.requireNonNull(metadata, "metadata");
    if (metadata.get(CommandIds.METADATA_KEY).isPresent()) {
      throw new IllegalArgumentException("metadata key '" + CommandIds.METADATA_KEY
          + "' is reserved for the command id; use withCommandId(..)");
    }
    return new CommandOptions(commandId, metadata, timeout, deadline);
  }

  /**
   * Returns a copy that may take at most {@code timeout} from the moment it is executed,
   * instead of the repository's command timeout.
   *
   * @param timeout the time the whole command may take, positive
   * @return the copy
   * @throws IllegalArgumentException if the timeout is not positive
   */
  public CommandOptions withTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    return new CommandOptions(commandId, metadata, timeout, deadline);
  }

  /**
   * Returns a copy that must be over by {@code deadline} (for a caller that has a deadline of
   * its own); it wins over {@link #withTimeout} and the repository's command timeout.
   *
   * @param deadline the deadline
   * @return the copy
   */
  public CommandOptions withDeadline(Deadline deadline) {
    return new CommandOptions(commandId, metadata, timeout,
        Objects.requireNonNull(deadline, "deadline"));
  }

  /**
   * Returns the command id, if one was given.
   *
   * @return the command id
   */
  public Optional<String> commandId() {
    return Optional.ofNullable(commandId);
  }

  /**
   * Returns the metadata every event of the command carries (without the command id).
   *
   * @return the metadata
   */
  public Metadata metadata() {
    return metadata;
  }

  /**
   * Returns the timeout given with {@link #withTimeout}, if any.
   *
   * @return the timeout
   */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /**
   * Returns the deadline given with {@link #withDeadline}, if any.
   *
   * @return the deadline
   */
  public Optional<Deadline> deadline() {
    return Optional.ofNullable(deadline);
  }

  /** The deadline of one execution that starts now. */
  Deadline deadlineFrom(Duration defaultTimeout) {
    if (deadline != null) {
      return deadline;
    }
    return Deadline.after(timeout != null ? timeout : defaultTimeout);
  }

  @Override
  public String toString() {
    return "CommandOptions[commandId=" + commandId + ", metadata=" + metadata + ", timeout="
        + timeout + ", deadline=" + deadline + "]";
  }
}
