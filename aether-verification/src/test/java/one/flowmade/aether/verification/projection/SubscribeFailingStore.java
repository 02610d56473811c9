package one.flowmade.aether.verification.projection;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import one.flowmade.aether.EventHandler;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.SubscriptionOptions;

/**
 * An event store whose first {@code failures} subscriptions throw what {@code failure} gives, as
 * a JetStream store does when it cannot create its consumer (server away: StoreUnavailable;
 * refused: PermissionDenied); everything else goes to the delegate.
 */
final class SubscribeFailingStore extends ForwardingEventStore {
  private final Supplier<RuntimeException> failure;
  private final AtomicInteger failuresLeft;
  final AtomicInteger subscribes = new AtomicInteger();

  SubscribeFailingStore(EventStore delegate, int failures, Supplier<RuntimeException> failure) {
    super(delegate);
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
}
