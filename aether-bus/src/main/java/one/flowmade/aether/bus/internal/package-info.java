/** Helpers shared by the bus implementations; not exported. */
package one.flowmade.aether.bus.internal;
