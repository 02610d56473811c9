/**
 * Internals shared by the buses (not exported): their optional Micrometer meters. Only {@link
 * one.flowmade.aether.bus.internal.MicrometerBusMeters} touches Micrometer, and only when a
 * registry was given.
 */
package one.flowmade.aether.bus.internal;
