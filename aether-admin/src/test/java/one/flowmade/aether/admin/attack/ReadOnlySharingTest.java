package one.flowmade.aether.admin.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import one.flowmade.aether.admin.ServerConfiguration;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.Test;

/**
 * Deliberate sharing: {@code orders-eu} lets {@code orders} read its stored events (an export of
 * its bus subjects, imported by {@code orders}); {@code orders} reads them and still cannot write
 * into {@code orders-eu}.
 */
class ReadOnlySharingTest {

  @Test
  void aNamespaceReadsTheEventsItWasGrantedAndStillCannotWriteThem() throws Exception {
    String accounts = Configs.accountsBlock(ServerConfiguration.builder()
        .account(Configs.orders()).account(Configs.ordersEu(true)).build());
    accounts = Configs.withRootUser(accounts, "orders-eu", "orders-eu-root");
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    List<Message> read = Collections.synchronizedList(new ArrayList<>());
    try (NatsServer server = NatsServer.builder().config(accounts).start();
        Connection eu = Nats.connect(server.connectionOptions()
            .userInfo("orders-eu-root", "root").build());
        Connection orders = Nats.connect(server.connectionOptions()
            .userInfo("orders-app", "app-secret").inboxPrefix("_INBOX_orders")
            .errorListener(new io.nats.client.ErrorListener() {
              @Override
              public void errorOccurred(Connection conn, String error) {
                errors.add(error);
              }
            }).build())) {
      eu.jetStreamManagement().addStream(io.nats.client.api.StreamConfiguration.builder()
          .name("AETHER_orders-eu").subjects("aether.ev.orders-eu.>")
          .republish(io.nats.client.api.Republish.builder().source("aether.ev.orders-eu.>")
              .destination("aether.bus.orders-eu.>").build())
          .build());
      orders.createDispatcher(read::add).subscribe("aether.bus.orders-eu.>");
      orders.flush(Duration.ofSeconds(2));
      eu.jetStream().publish("aether.ev.orders-eu.order-1",
          "shipped".getBytes(StandardCharsets.UTF_8));

      await().atMost(Duration.ofSeconds(5)).until(() -> read.size() == 1);
      assertThat(new String(read.get(0).getData(), StandardCharsets.UTF_8)).isEqualTo("shipped");
      assertThat(read.get(0).getSubject()).isEqualTo("aether.bus.orders-eu.order-1");

      List<Message> euSees = Collections.synchronizedList(new ArrayList<>());
      eu.createDispatcher(euSees::add).subscribe("aether.bus.orders-eu.>");
      eu.flush(Duration.ofSeconds(2));
      for (String subject : List.of("aether.ev.orders-eu.order-1", "aether.bus.orders-eu.order-1")) {
        orders.publish(subject, "forged".getBytes(StandardCharsets.UTF_8));
      }
      orders.flush(Duration.ofSeconds(2));
      await().atMost(Duration.ofSeconds(5)).until(() -> errors.size() >= 2);
      assertThat(errors).allMatch(e -> e.contains("Permissions Violation for Publish"));
      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
        assertThat(euSees).isEmpty();
        assertThat(eu.jetStreamManagement().getStreamInfo("AETHER_orders-eu").getStreamState()
            .getMsgCount()).isEqualTo(1);
      });
    }
  }
}
