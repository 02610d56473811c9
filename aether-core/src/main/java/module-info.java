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

  exports one.flowmade.aether;
  exports one.flowmade.aether.codec;
  exports one.flowmade.aether.actor;
  exports one.flowmade.aether.bus;
}
