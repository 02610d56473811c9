/**
 * Encoding typed events and actor state to stored data and back: the pluggable {@link
 * one.flowmade.aether.codec.EventCodec}, its Jackson default and {@link
 * one.flowmade.aether.codec.JsonUpcaster}s for old event types and shapes.
 *
 * <p>Parameters are not null unless their documentation allows it ("or null"); a null where none
 * is allowed is a programming error and throws {@link java.lang.NullPointerException} naming the
 * parameter: fix the call. The {@code @throws} clauses of each method name the other exceptions
 * it can throw and what the caller should do.
 */
package one.flowmade.aether.codec;
