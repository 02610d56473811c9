package one.flowmade.aether.examples.security;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.PrintStream;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.admin.NamespaceResources;
import one.flowmade.aether.jetstream.JetStreamEventStore;

/**
 * One process using two namespaces, each through its own NATS account: one connection per
 * namespace, authenticated as that namespace's application-role user and with the namespace's
 * inbox prefix (the only inbox its user may subscribe to), and one store per connection. Nothing
 * of one namespace is reachable through the other's connection. {@code docs/security.md} shows
 * the middle part; its test keeps the two identical.
 *
 * <p>Run it against a server with the configuration {@code aether-admin} generated, after the
 * namespaces were provisioned: {@code mvn -q -pl aether-examples exec:java
 * -Dexec.mainClass=one.flowmade.aether.examples.security.SeveralNamespaces
 * -Dexec.args="nats://localhost:4222 orders-app <password> billing-app <password>"}.
 */
public final class SeveralNamespaces {

  private SeveralNamespaces() {}

  /**
   * Runs the example.
   *
   * @param args the server URL, then user and password of {@code orders}'s and of {@code
   *     billing}'s application user
   * @throws Exception if the server cannot be reached or refuses the users
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: SeveralNamespaces <nats-url> <orders-user> <orders-password>"
          + " <billing-user> <billing-password>");
      System.exit(2);
    }
    run(args[0], args[1], args[2], args[3], args[4], System.out);
  }

  /**
   * Appends one event in each namespace and prints what each store holds.
   *
   * @param url the server URL
   * @param ordersUser the application user of namespace {@code orders}
   * @param ordersPassword its password
   * @param billingUser the application user of namespace {@code billing}
   * @param billingPassword its password
   * @param out where to print
   * @throws Exception if the server cannot be reached or refuses a user
   */
  public static void run(String url, String ordersUser, String ordersPassword,
      String billingUser, String billingPassword, PrintStream out) throws Exception {
    // security:several-namespaces:begin
    Namespace orders = Namespace.of("orders");
    Namespace billing = Namespace.of("billing");
    try (Connection ordersNats = connect(url, ordersUser, ordersPassword, orders);
        Connection billingNats = connect(url, billingUser, billingPassword, billing);
        EventStore ordersEvents = JetStreamEventStore.builder(ordersNats, orders).build();
        EventStore billingEvents = JetStreamEventStore.builder(billingNats, billing).build()) {
      ordersEvents.append("order-1", ExpectedVersion.any(),
          NewEvent.of("OrderPlaced", Payload.json("{\"total\":4200}")));
      billingEvents.append("invoice-1", ExpectedVersion.any(),
          NewEvent.of("InvoiceIssued", Payload.json("{\"order\":\"order-1\"}")));
      out.println("orders holds " + ordersEvents.lastPosition() + " event(s), billing holds "
          + billingEvents.lastPosition());
    }
    // security:several-namespaces:end
  }

  // security:connect:begin
  /** A connection as one namespace's user, with the inbox prefix its role allows. */
  static Connection connect(String url, String user, String password, Namespace namespace)
      throws Exception {
    return Nats.connect(Options.builder().server(url).userInfo(user, password)
        .connectionName(user)
        .inboxPrefix(NamespaceResources.of(namespace).inboxPrefix())
        .maxReconnects(-1)
        .build());
  }
  // security:connect:end
}
