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
 *
 * <p>Parameters are not null unless their documentation allows it ("or null"); a null where none
 * is allowed is a programming error and throws {@link java.lang.NullPointerException} naming the
 * parameter: fix the call. The {@code @throws} clauses of each method name the other exceptions
 * it can throw and what the caller should do.
 */
package one.flowmade.aether.bus;
