package one.flowmade.aether.verification.projection;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.EventHandler;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.SubscriptionOptions;

/**
 * An event store that forwards every abstract method to a delegate, for tests that change one
 * of them. {@link #close()} does not close the delegate: the test owns it.
 */
abstract class ForwardingEventStore implements EventStore {
  protected final EventStore delegate;

  ForwardingEventStore(EventStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public EventSubscription subscribe(SubscriptionOptions options, EventHandler handler) {
    return delegate.subscribe(options, handler);
  }

  @Override
  public Namespace namespace() {
    return delegate.namespace();
  }

  @Override
  public AppendResult append(String actorId, ExpectedVersion expected, List<NewEvent> events) {
    return delegate.append(actorId, expected, events);
  }

  @Override
  public CompletableFuture<AppendResult> appendAsync(String actorId, ExpectedVersion expected,
      List<NewEvent> events) {
    return delegate.appendAsync(actorId, expected, events);
  }

  @Override
  public long latestVersion(String actorId) {
    return delegate.latestVersion(actorId);
  }

  @Override
  public ReadResult read(String actorId, long fromVersion, int limit) {
    return delegate.read(actorId, fromVersion, limit);
  }

  @Override
  public ReadResult readAll(Position from, int limit) {
    return delegate.readAll(from, limit);
  }

  @Override
  public long lastPosition() {
    return delegate.lastPosition();
  }

  @Override
  public void close() {}
}
