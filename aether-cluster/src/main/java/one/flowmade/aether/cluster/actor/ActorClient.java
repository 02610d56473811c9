package one.flowmade.aether.cluster.actor;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import one.flowmade.aether.Limits;
import one.flowmade.aether.Payload;
import one.flowmade.aether.cluster.ClusterRouter;
import one.flowmade.aether.cluster.internal.actor.Envelope;

/**
 * Sends commands to hosted actors: each goes, through a {@link ClusterRouter}, to the node that
 * owns the actor's shard, which runs it and replies with the {@link CommandOutcome}. Works from
 * any process that can reach the cluster's NATS, member or not ({@code node.router()} or {@code
 * ClusterRouter.builder()}).
 *
 * <p>Delivery is at least once (the router retries while shards move), so give commands that
 * must not apply twice a command id: a command sent again with the same id is applied at most
 * once and answered {@link CommandOutcome.Status#ALREADY_APPLIED}.
 *
 * <p>Thread-safe. {@code send} blocks up to the timeout; {@code sendAsync} returns at once.
 */
public final class ActorClient {

  private final ClusterRouter router;

  private ActorClient(ClusterRouter router) {
    this.router = router;
  }

  /**
   * Returns a client that sends through {@code router}.
   *
   * @param router the router
   * @return the client
   */
  public static ActorClient of(ClusterRouter router) {
    return new ActorClient(Objects.requireNonNull(router, "router"));
  }

  /**
   * Sends a command without a command id, with the router's request timeout.
   *
   * @param type the actor type
   * @param actorId the actor
   * @param command the command
   * @param <E> the event type
   * @param <C> the command type
   * @return the outcome
   * @throws ActorBusyException if the owner's mailbox for the actor, or its bound, is full
   * @throws HostedCommandException if the command failed on the owner (store unreachable,
   *     outcome unknown, shard lost): send again with a command id to be safe
   * @throws one.flowmade.aether.cluster.ShardUnavailableException if no owner answered in time
   */
  public <E, C> CommandOutcome<E> send(ActorType<E, C> type, String actorId, C command) {
    return send(type, actorId, command, null, router.requestTimeout());
  }

  /**
   * Sends a command, blocking until the outcome or the timeout.
   *
   * @param type the actor type
   * @param actorId the actor
   * @param command the command
   * @param commandId the command id (see {@link one.flowmade.aether.actor.CommandIds}), or null
   * @param timeout how long the whole command may take, routing included
   * @param <E> the event type
   * @param <C> the command type
   * @return the outcome
   * @throws ActorBusyException if the owner's mailbox for the actor, or its bound, is full
   * @throws HostedCommandException if the command failed on the owner: send again with the same
   *     command id
   * @throws one.flowmade.aether.cluster.ShardUnavailableException if no owner answered in time
   */
  public <E, C> CommandOutcome<E> send(ActorType<E, C> type, String actorId, C command,
      String commandId, Duration timeout) {
    try {
      return sendAsync(type, actorId, command, commandId, timeout).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /**
   * Sends a command without blocking; the future completes as {@link #send(ActorType, String,
   * Object, String, Duration)} returns or throws.
   *
   * @param type the actor type
   * @param actorId the actor
   * @param command the command
   * @param commandId the command id, or null
   * @param timeout how long the whole command may take
   * @param <E> the event type
   * @param <C> the command type
   * @return a future of the outcome
   * @throws IllegalArgumentException if the actor id is invalid or the command cannot be written
   */
  public <E, C> CompletableFuture<CommandOutcome<E>> sendAsync(ActorType<E, C> type,
      String actorId, C command, String commandId, Duration timeout) {
    Objects.requireNonNull(type, "type");
    Limits.checkActorId(actorId);
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(timeout, "timeout");
    JsonNode json = type.json().valueToTree(command);
    byte[] request = Envelope.request(type.name(), json, commandId, timeout.toMillis());
    return router.requestAsync(actorId, request, timeout)
        .thenApply(reply -> outcome(type, actorId, Envelope.reply(reply)));
  }

  private static <E, C> CommandOutcome<E> outcome(ActorType<E, C> type, String actorId,
      Envelope.Reply reply) {
    switch (reply.status()) {
      case "BUSY":
        throw new ActorBusyException("node '" + reply.node() + "' refused the command for actor '"
            + actorId + "': " + reply.message());
      case "ERROR":
        throw new HostedCommandException("the command for actor '" + actorId + "' failed on node '"
            + reply.node() + "': " + reply.message(), null);
      default:
        break;
    }
    CommandOutcome.Status status = CommandOutcome.Status.valueOf(reply.status());
    List<E> events = new ArrayList<>();
    for (Envelope.ReplyEvent event : reply.events()) {
      Object decoded = type.codec().decode(event.type(), Payload.of(
          event.data().getBytes(java.nio.charset.StandardCharsets.UTF_8), event.contentType()));
      events.add(type.eventClass().cast(decoded));
    }
    return new CommandOutcome<>(status, reply.version(), events, reply.message(), reply.node());
  }
}
