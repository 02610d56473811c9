/**
 * Encoding typed events and actor state to stored data and back: the pluggable {@link
 * one.flowmade.aether.codec.EventCodec}, its Jackson default and {@link
 * one.flowmade.aether.codec.JsonUpcaster}s for old event types and shapes.
 */
package one.flowmade.aether.codec;
