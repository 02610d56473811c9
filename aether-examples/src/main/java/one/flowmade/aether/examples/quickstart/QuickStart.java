package one.flowmade.aether.examples.quickstart;

import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.VersionConflictException;
import one.flowmade.aether.memory.InMemoryEventStore;

/** The README's quick start, kept compiling and running by the build. */
public final class QuickStart {

  private QuickStart() {}

  /**
   * Runs the quick start.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    // README:quickstart:begin
    try (EventStore store = InMemoryEventStore.builder().namespace(Namespace.of("orders")).build()) {
      AppendResult placed = store.append("order-1", ExpectedVersion.noStream(),
          NewEvent.of("order.placed", Payload.json("{\"total\":42}")));
      store.append("order-1", placed.nextExpectedVersion(),
          NewEvent.of("order.paid", Payload.json("{}")));

      for (Event event : store.read("order-1", 1).events()) {
        System.out.println(event.version() + " " + event.type() + " " + event.data().asUtf8());
      }

      try {
        store.append("order-1", ExpectedVersion.exactly(1),
            NewEvent.of("order.cancelled", Payload.json("{}")));
      } catch (VersionConflictException e) {
        System.out.println("refused: " + e.getMessage());
      }
    }
    // README:quickstart:end
  }
}
