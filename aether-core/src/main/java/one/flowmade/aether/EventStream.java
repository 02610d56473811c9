package one.flowmade.aether;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * An actor's events, read as the caller pulls them: a store holds only a page (a batch) of events
 * at a time, never the whole history, so an actor of any length can be folded in bounded memory.
 * Opened by {@link EventStore#readStream(String, long)}.
 *
 * <p>The events are those a {@link EventStore#read(String, long) read} started at the moment the
 * stream was opened would return, in version order: every append acknowledged before the stream
 * was opened is included (read-your-writes); appends acknowledged later may or may not be.
 * Messages in the range that cannot be decoded are skipped and reported by {@link
 * #undecodable()}, in order; the stream goes on past them.
 *
 * <p>Not thread-safe: one thread pulls. {@link #hasNext()} may block while the next page is
 * fetched and throws what {@link EventStore#read(String, long)} throws ({@link
 * StoreUnavailableException}: close the stream and read again from the version after the last
 * event returned). {@link #close()} stops any work the store does for the stream, on the client
 * and on the server; close every stream, best with try-with-resources.
 *
 * <pre>{@code
 * try (EventStream events = store.readStream("order-1", 1)) {
 *   while (events.hasNext()) {
 *     state = apply(state, events.next());
 *   }
 * }
 * }</pre>
 */
public interface EventStream extends Iterator<Event>, AutoCloseable {

  /**
   * Returns whether another event follows; fetches the next page if needed (blocking).
   *
   * @return true if {@link #next()} returns an event
   * @throws StoreUnavailableException if the store could not be reached within its retry budget
   *     or the caller's deadline: close the stream and read again
   * @throws IllegalStateException if the stream or the store is closed
   */
  @Override
  boolean hasNext();

  /**
   * Returns the next event.
   *
   * @return the event
   * @throws NoSuchElementException if there is none ({@link #hasNext()} is false)
   * @throws StoreUnavailableException as {@link #hasNext()}
   */
  @Override
  Event next();

  /**
   * Returns the messages passed so far that could not be decoded, in order. The list grows as the
   * stream moves on; a caller that needs them in order with the events checks it after each
   * {@link #next()}.
   *
   * @return an unmodifiable copy of the undecodable messages seen so far
   */
  List<UndecodableEvent> undecodable();

  /**
   * Stops the stream: later calls to {@link #hasNext()} throw {@link IllegalStateException}.
   * Idempotent; never throws.
   */
  @Override
  void close();
}
