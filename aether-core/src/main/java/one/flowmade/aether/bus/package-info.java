/**
 * The event bus API: publish {@link one.flowmade.aether.bus.BusEvent}s to a namespace and
 * subscribe to one namespace or to all, with a filter on event types and actor ids.
 *
 * <p>The bus is a live, at-most-once notification channel, not a store: a subscriber receives the
 * events published while it is subscribed. Every event a bus accepts for a subscription and does
 * not deliver is counted and reported ({@link one.flowmade.aether.bus.BusListener#dropped}), never
 * lost silently. Use a store subscription ({@link one.flowmade.aether.EventStore}) when every
 * stored event must be processed, at least once, across restarts.
 *
 * <p>Implementations live in the {@code aether-bus} module: {@code
 * one.flowmade.aether.bus.local.LocalEventBus} within one process and {@code
 * one.flowmade.aether.bus.nats.NatsEventBus} between processes over NATS. The contract every
 * implementation passes is {@code one.flowmade.aether.testkit.bus.EventBusContract} in {@code
 * aether-testkit}.
 */
package one.flowmade.aether.bus;
