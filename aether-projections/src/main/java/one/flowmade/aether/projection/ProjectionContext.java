package one.flowmade.aether.projection;

import java.sql.Connection;
import java.util.Optional;
import one.flowmade.aether.Event;

/**
 * What a handler knows about the event it applies: the stored event (id and position for
 * idempotent effects) and, with {@link JdbcCheckpointStore}, the connection whose transaction also
 * commits the checkpoint, or, with {@link KvReadModel}, the KV writes that commit with it.
 *
 * <p>Valid only during the handler call; not thread-safe.
 */
public interface ProjectionContext {

  /**
   * Returns the stored event being applied.
   *
   * @return the event
   */
  Event event();

  /**
   * Returns the event's unique id: record it to make a non-transactional effect idempotent.
   *
   * @return the event id
   */
  default String eventId() {
    return event().id();
  }

  /**
   * Returns the event's position in the namespace: effects that store it and ignore positions
   * they already hold are idempotent under redelivery.
   *
   * @return the position
   */
  default long position() {
    return event().position();
  }

  /**
   * Returns the JDBC connection of the unit of work, when the checkpoint store is transactional.
   * Writes through it commit together with the checkpoint; do not commit, roll back or close it.
   *
   * @return the connection, empty for non-transactional checkpoint stores
   */
  Optional<Connection> connection();

  /**
   * Returns the connection of the unit of work, for handlers that need one.
   *
   * @return the connection
   * @throws IllegalStateException if the checkpoint store has no transactions
   */
  default Connection requireConnection() {
    return connection().orElseThrow(() -> new IllegalStateException("the projection's checkpoint"
        + " store has no transaction; use JdbcCheckpointStore for handlers that write SQL"));
  }

  /**
   * Returns the KV writes of the unit of work, when the checkpoint store is a {@link KvReadModel}:
   * puts and deletes staged there commit together with the checkpoint in one atomic batch.
   *
   * @return the unit of work's writes, empty for other checkpoint stores
   */
  default Optional<KvBatch> kvBatch() {
    return Optional.empty();
  }

  /**
   * Returns the KV writes of the unit of work, for handlers that write a {@link KvReadModel}.
   *
   * @return the unit of work's writes
   * @throws IllegalStateException if the checkpoint store is not a {@link KvReadModel}
   */
  default KvBatch requireKvBatch() {
    return kvBatch().orElseThrow(() -> new IllegalStateException("the projection's checkpoint"
        + " store is not a KvReadModel; use KvReadModel as the checkpoint store for handlers that"
        + " write a KV read model with exactly-once effects"));
  }
}
