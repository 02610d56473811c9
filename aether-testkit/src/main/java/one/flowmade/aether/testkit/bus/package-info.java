/**
 * The contract suite every {@link one.flowmade.aether.bus.EventBus} implementation passes: extend
 * {@link one.flowmade.aether.testkit.bus.EventBusContract} to check your own.
 */
package one.flowmade.aether.testkit.bus;
