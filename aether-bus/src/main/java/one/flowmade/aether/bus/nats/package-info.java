/**
 * The event bus between processes over core NATS, {@link
 * one.flowmade.aether.bus.nats.NatsEventBus}. It delivers events published on the bus and the
 * events the JetStream store's streams republish as they store them, on the subjects of {@link
 * one.flowmade.aether.nats.SubjectLayout}, in the CloudEvents format of {@link
 * one.flowmade.aether.nats.CloudEventHeaders}.
 */
package one.flowmade.aether.bus.nats;
