package one.flowmade.aether.actor;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;

/**
 * How a command id becomes event ids, so that a command executed again with the same id (a retry
 * after a timeout, an owner crash, a failover) produces the same event ids and is stored at most
 * once.
 *
 * <p>Event {@code i} (from 0) of a command gets the name-based (version 3) UUID of the bytes of
 * {@code "aether-command:" + len(actorId) + ":" + actorId + len(commandId) + ":" + commandId
 * + ":" + i} in UTF-8, where {@code len} is the length in characters; the length prefixes make the
 * mapping injective, so different actors, commands or indexes never share an id. Every event of
 * the command also carries the command id in its metadata under {@link #METADATA_KEY}.
 *
 * <p>Two mechanisms then recognise a repeated command:
 * <ol>
 *   <li>the store's duplicate window (JetStream's message-id deduplication, 2 minutes by default;
 *       the in-memory store keeps the same window): an append of the same event ids returns the
 *       original result;
 *   <li>beyond the window, {@link ActorRepository} looks for the command id in the metadata of the
 *       actor's latest events when it loads the actor to decide: the events after the latest
 *       snapshot plus, if fewer, as many before it as make up the repository's command-id horizon
 *       ({@link ActorRepository.Builder#commandIdHorizon(int)}, 100 events by default). A command
 *       whose events are further back than both is no longer recognised and would be applied
 *       again.
 * </ol>
 *
 * <p>Stateless and thread-safe.
 */
public final class CommandIds {

  /** The metadata key under which each event of a command carries its command id. */
  public static final String METADATA_KEY = "commandid";

  private CommandIds() {}

  /**
   * Returns the id of event {@code index} of a command.
   *
   * @param actorId the actor the command runs on
   * @param commandId the command id
   * @param index the event's index in the command's events, from 0
   * @return the event id, a UUID string
   * @throws IllegalArgumentException if the command id is invalid or the index negative
   */
  public static String eventId(String actorId, String commandId, int index) {
    Objects.requireNonNull(actorId, "actorId");
    check(commandId);
    if (index < 0) {
      throw new IllegalArgumentException("index must not be negative, was " + index);
    }
    String name = "aether-command:" + actorId.length() + ":" + actorId + commandId.length() + ":"
        + commandId + ":" + index;
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  static String check(String commandId) {
    Objects.requireNonNull(commandId, "commandId");
    if (commandId.isEmpty() || commandId.length() > CommandOptions.MAX_COMMAND_ID_LENGTH) {
      throw new IllegalArgumentException("a command id has 1 to "
          + CommandOptions.MAX_COMMAND_ID_LENGTH + " characters, got " + commandId.length());
    }
    for (int i = 0; i < commandId.length(); i++) {
      if (Character.isISOControl(commandId.charAt(i))) {
        throw new IllegalArgumentException("command id has a control character at index " + i);
      }
    }
    return commandId;
  }
}
