package one.flowmade.aether.projection;

/**
 * Applies one event to a read model. Called on the projection's own thread, one event at a time,
 * in position order.
 *
 * @param <T> the decoded event type, or {@link one.flowmade.aether.Event} for any event
 */
@FunctionalInterface
public interface ProjectionHandler<T> {

  /**
   * Applies the event.
   *
   * @param event the event (decoded through the codec for typed handlers)
   * @param context the event's id and position, and the transaction's connection if any
   * @throws Exception to fail the event; the projection's {@link ErrorPolicy} decides what follows
   */
  void handle(T event, ProjectionContext context) throws Exception;
}
