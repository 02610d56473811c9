package one.flowmade.aether.examples.quickstart;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.actor.ActorRepository;
import one.flowmade.aether.actor.CommandResult;
import one.flowmade.aether.codec.EventCodec;
import one.flowmade.aether.codec.JacksonEventCodec;
import one.flowmade.aether.examples.bank.Account;
import one.flowmade.aether.examples.bank.AccountEvent;
import one.flowmade.aether.jetstream.JetStreamEventStore;

/**
 * The README's quick start for the real thing: a JetStream event store, an actor ({@link
 * Account}) driven through an {@link ActorRepository}, and a read model fed by a subscription.
 * The build keeps the README's copy identical to this file and runs it against a real {@code
 * nats-server}.
 *
 * <p>Run it against a fresh server: {@code mvn -q -pl aether-examples exec:java
 * -Dexec.mainClass=one.flowmade.aether.examples.quickstart.JetStreamQuickStart
 * -Dexec.args=nats://localhost:4222}. (On a server that ran it before, alice is already open and
 * the first command is rejected.)
 */
public final class JetStreamQuickStart {

  private JetStreamQuickStart() {}

  /**
   * Runs the quick start.
   *
   * @param args the NATS server URL (default {@code nats://localhost:4222})
   * @throws Exception if the server cannot be reached or the program is interrupted
   */
  public static void main(String[] args) throws Exception {
    String natsUrl = args.length > 0 ? args[0] : "nats://localhost:4222";
    // README:jetstream:begin
    // _INBOX_bank: the only inbox the namespace's application role may use (docs/security.md)
    Options options = Options.builder().server(natsUrl).inboxPrefix("_INBOX_bank")
        .maxReconnects(-1).build();
    try (Connection nats = Nats.connect(options);
        EventStore events = JetStreamEventStore.builder(nats, Namespace.of("bank")).build()) {
      EventCodec codec = JacksonEventCodec.builder()
          .register("account.opened", AccountEvent.Opened.class)
          .register("account.deposited", AccountEvent.Deposited.class)
          .register("account.withdrawn", AccountEvent.Withdrawn.class)
          .build();
      ActorRepository<Account, AccountEvent> accounts =
          ActorRepository.builder(Account.MODEL, AccountEvent.class)
              .eventStore(events)
              .codec(codec)
              .build();

      accounts.execute("alice", account -> account.open("Alice"));
      accounts.execute("alice", account -> account.deposit(2_500));
      CommandResult<Account, AccountEvent> paid =
          accounts.execute("alice", account -> account.withdraw(1_000));
      System.out.println("alice: " + paid.state().state().balanceCents() + " cents at version "
          + paid.state().version());

      // A read model: each account's balance, fed by a subscription from the first event.
      Map<String, Long> balances = new ConcurrentHashMap<>();
      try (var readModel = events.subscribe(SubscriptionOptions.fromBeginning(), event -> {
        Object decoded = codec.decode(event);
        long delta = decoded instanceof AccountEvent.Deposited d ? d.amountCents()
            : decoded instanceof AccountEvent.Withdrawn w ? -w.amountCents() : 0;
        balances.merge(event.actorId(), delta, Long::sum);
      })) {
        readModel.awaitLive(Duration.ofSeconds(10));
        System.out.println("read model at position " + readModel.lastPosition() + ": "
            + new TreeMap<>(balances));
      }
    }
    // README:jetstream:end
  }
}
