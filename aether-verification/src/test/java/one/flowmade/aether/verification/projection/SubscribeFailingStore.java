package one.flowmade.aether.verification.projection;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
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
 * An event store whose first {@code failures} subscriptions throw what {@code failure} gives, as
 * a JetStream store does when it cannot create its consumer (server away: StoreUnavailable;
 * refused: PermissionDenied); everything else goes to the delegate.
 */
final class SubscribeFailingStore implements EventStore {
  private final EventStore delegate;
  private final Supplier<RuntimeException> failure;
  private final AtomicInteger failuresLeft;
  final AtomicInteger subscribes = new AtomicInteger();

  SubscribeFailingStore(EventStore delegate, int failures, Supplier<RuntimeException> failure) {
    this.delegate = delegate;
    this.failure = failure;
    this.failuresLeft = new AtomicInteger(failures);
  }

  @Override
  public EventSubscription subscribe(SubscriptionOptions options, EventHandler handler) {
    subscribes.incrementAndGet();
    if (failuresLeft.getAndDecrement() > 0) {
      throw failure.get();
    }
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
