/**
 * Aether's NATS wire format: how events are laid out on NATS so that every Aether module, and any
 * other NATS client or CloudEvents SDK, reads and writes them alike. {@link
 * one.flowmade.aether.nats.CloudEventHeaders} maps an event onto CloudEvents NATS binding headers
 * (binary mode), {@link one.flowmade.aether.nats.SubjectLayout} names the streams and subjects of a
 * namespace, and {@link one.flowmade.aether.nats.TokenEncoding} encodes actor ids and types
 * injectively into subject tokens. Applications that only use Aether's stores and buses do not need
 * this package; programs that read Aether's events with plain NATS clients do.
 *
 * <p>Parameters are not null unless their documentation allows it ("or null"); a null where none
 * is allowed is a programming error and throws {@link java.lang.NullPointerException} (at once
 * and naming the parameter, where the method checks its arguments): fix the call. Each
 * method's {@code @throws} clauses name the other exceptions it can throw and what the caller
 * should do.
 */
package one.flowmade.aether.nats;
