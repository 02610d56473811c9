package one.flowmade.aether.examples.bank;

import io.nats.client.Connection;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.actor.ActorRepository;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.ShardListener;
import one.flowmade.aether.cluster.actor.ActorClient;
import one.flowmade.aether.cluster.actor.ActorHost;
import one.flowmade.aether.cluster.actor.ActorType;
import one.flowmade.aether.codec.EventCodec;
import one.flowmade.aether.codec.JacksonEventCodec;
import one.flowmade.aether.jetstream.JetStreamEventStore;

/**
 * One node of the bank: a cluster member that hosts the accounts of the shards it owns. Each
 * account's commands run on its owner, one at a time, with the account cached in memory; any
 * node (or any process with a {@code ClusterRouter}) sends them with {@link #client()}. Run one
 * per process in production; the nodes share the cluster name and the NATS servers.
 *
 * <p>Thread-safe. {@link #close()} hands the node's shards over to the other nodes.
 */
public final class BankNode implements AutoCloseable {

  /** The namespace of the bank's events. */
  public static final Namespace BANK = Namespace.of("bank");

  /** How account events are written: one type name per event class. */
  public static final EventCodec CODEC = JacksonEventCodec.builder()
      .register("account.opened", AccountEvent.Opened.class)
      .register("account.deposited", AccountEvent.Deposited.class)
      .register("account.withdrawn", AccountEvent.Withdrawn.class)
      .build();

  /** The hosted actor type, as senders and owners both know it. */
  public static final ActorType<AccountEvent, AccountCommand> ACCOUNT =
      ActorType.of("account", AccountCommand.class, AccountEvent.class, CODEC);

  private final EventStore events;
  private final ExecutorService commands;
  private final ActorHost host;
  private final ClusterNode node;

  private BankNode(EventStore events, ExecutorService commands, ActorHost host,
      ClusterNode node) {
    this.events = events;
    this.commands = commands;
    this.host = host;
    this.node = node;
  }

  /**
   * Joins the cluster and starts hosting accounts, with the cluster's default timings.
   *
   * @param nats an open connection; not closed by the node
   * @param clusterName the cluster's name, the same on every node
   * @param nodeId this node's id, unique in the cluster
   * @return the running node
   */
  public static BankNode start(Connection nats, String clusterName, String nodeId) {
    return start(nats, ClusterNode.builder().connection(nats).clusterName(clusterName)
        .nodeId(nodeId), null);
  }

  /**
   * Joins the cluster as {@code cluster} describes it (connection, names, timings, membership
   * and leadership listeners) and starts hosting accounts; this method adds the message handler,
   * the shard listener and the handler executor, so the builder must not have them.
   *
   * @param nats the connection for the event store; not closed by the node
   * @param cluster the node's builder, without message handler, shard listener or executor
   * @param shardListener the application's shard listener, or null
   * @return the running node
   */
  public static BankNode start(Connection nats, ClusterNode.Builder cluster,
      ShardListener shardListener) {
    EventStore events = JetStreamEventStore.builder(nats, BANK).build();
    ActorRepository<Account, AccountEvent> accounts =
        ActorRepository.builder(Account.MODEL, AccountEvent.class)
            .eventStore(events)
            .codec(CODEC)
            .build();
    ActorHost host = ActorHost.builder()
        .register(ACCOUNT, accounts, Account::decide)
        .build();
    ExecutorService commands = Executors.newFixedThreadPool(16); // commands block on the store
    ClusterNode node = cluster
        .messageHandler(host.messageHandler())
        .shardListener(host.shardListener(shardListener))
        .handlerExecutor(commands)
        .build();
    host.attach(node);
    return new BankNode(events, commands, host, node);
  }

  /**
   * Returns a client that sends account commands to their owners, wherever they are.
   *
   * @return the client
   */
  public ActorClient client() {
    return ActorClient.of(node.router());
  }

  /**
   * Returns the cluster node, for its membership, leadership and shard assignment.
   *
   * @return the node
   */
  public ClusterNode cluster() {
    return node;
  }

  /**
   * Returns this node's id.
   *
   * @return the id
   */
  public String nodeId() {
    return node.nodeId();
  }

  /**
   * Returns the bank's event store (for the read models).
   *
   * @return the store, closed with this node
   */
  public EventStore events() {
    return events;
  }

  @Override
  public void close() {
    node.close();
    host.close();
    commands.shutdown();
    events.close();
  }
}
