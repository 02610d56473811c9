/**
 * Aether core: events, the event and snapshot store APIs, namespaces, the codec and the actor
 * abstraction.
 */
module one.flowmade.aether.core {
  requires transitive org.slf4j;
  // Transitive because the exported codec API shows Jackson types: JacksonEventCodec takes and
  // returns an ObjectMapper, JacksonStateCodec.of takes one, JsonUpcaster works on ObjectNode.
  requires transitive com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.datatype.jsr310;
  // Optional: only Tracing.of(OpenTelemetry) loads OpenTelemetry classes. Not transitive: a
  // static transitive module would have to be on the module path of every module reading this one
  // (javac resolves it there), and OpenTelemetry is optional for all of them.
  requires static io.opentelemetry.api;
  requires static io.opentelemetry.context;
  // @Nullable in the exported API: read by compilers and checkers only, never needed at run
  // time; transitive so that javac sees it where the API is used (it comes with this module's
  // Maven dependencies).
  requires static transitive org.jspecify;

  exports one.flowmade.aether;
  exports one.flowmade.aether.codec;
  exports one.flowmade.aether.actor;
  exports one.flowmade.aether.bus;
  exports one.flowmade.aether.internal to
      one.flowmade.aether.nats,
      one.flowmade.aether.store.jetstream,
      one.flowmade.aether.bus,
      one.flowmade.aether.cluster;
}
