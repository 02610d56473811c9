package one.flowmade.aether.smoke;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.admin.NamespaceResources;
import one.flowmade.aether.admin.cli.AetherAdmin;
import one.flowmade.aether.bus.local.LocalEventBus;
import one.flowmade.aether.bus.nats.NatsEventBus;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.actor.ActorHost;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.memory.InMemoryEventStore;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.cluster.ClusteredProjection;
import one.flowmade.aether.testkit.nats.NatsServer;

/**
 * Runs on the module path: uses every published module through its exported API, then prints
 * each Aether module's exports so that the test can compare them with docs/architecture.md.
 */
public final class Smoke {

  private Smoke() {}

  /**
   * Runs the smoke test; exits with status 1 when a step fails.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Namespace orders = Namespace.of("orders");
    try (EventStore store = InMemoryEventStore.builder().namespace(orders).build()) {
      store.append("order-1", ExpectedVersion.noStream(),
          NewEvent.of("order.placed", Payload.json("{\"total\":42}")));
      List<Event> events = store.read("order-1", 1).events();
      if (events.size() != 1 || !events.get(0).type().equals("order.placed")) {
        System.out.println("FAILED read back " + events);
        System.exit(1);
      }
    }
    LocalEventBus.create().close();
    System.out.println("STREAM " + SubjectLayout.streamName(orders));
    System.out.println("RESOURCES " + NamespaceResources.of(orders));
    // The command line on the module path: picocli reads its commands through the opened package.
    StringWriter config = new StringWriter();
    int code = AetherAdmin.run(new PrintWriter(config), new PrintWriter(new StringWriter()),
        "config", "--namespace", "orders", "--format", "nsc");
    if (code != AetherAdmin.OK || !config.toString().contains("nsc add account --name 'orders'")) {
      System.out.println("FAILED aether-admin config exited " + code + ": " + config);
      System.exit(1);
    }
    // Types users name in their code, one per exported package not used above.
    for (Class<?> type : List.of(JetStreamEventStore.class, NatsEventBus.class, ClusterNode.class,
        ActorHost.class, Projection.class, ClusteredProjection.class, NatsServer.class)) {
      if (!type.getModule().isNamed()) {
        System.out.println("FAILED " + type.getName() + " is not in a named module");
        System.exit(1);
      }
    }
    Map<String, ModuleDescriptor> aether = new TreeMap<>();
    for (Module module : ModuleLayer.boot().modules()) {
      String name = module.getName();
      if (name.startsWith("one.flowmade.aether.") && !name.equals("one.flowmade.aether.smoke")) {
        aether.put(name, module.getDescriptor());
      }
    }
    aether.forEach((name, descriptor) -> {
      for (ModuleDescriptor.Exports exports : descriptor.exports()) {
        if (exports.isQualified()) {
          System.out.println("QUALIFIED " + name + " " + exports.source() + " "
              + exports.targets().stream().sorted().collect(Collectors.joining(",")));
        } else {
          System.out.println("EXPORTS " + name + " " + exports.source());
        }
      }
    });
    System.out.println("SMOKE OK");
  }
}
