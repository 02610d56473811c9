/**
 * The in-process event bus, {@link one.flowmade.aether.bus.local.LocalEventBus}: bounded queues
 * per subscription with an overflow policy, one delivery thread per subscription.
 */
package one.flowmade.aether.bus.local;
