package one.flowmade.aether.verification.workload;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Position;
import one.flowmade.aether.StoreUnavailableException;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.VersionConflictException;
import one.flowmade.aether.actor.ActorRepository;
import one.flowmade.aether.actor.CommandIds;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.actor.ActorBusyException;
import one.flowmade.aether.cluster.actor.ActorClient;
import one.flowmade.aether.cluster.actor.ActorHost;
import one.flowmade.aether.cluster.actor.CommandOutcome;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.verification.history.AppendOp;
import one.flowmade.aether.verification.history.Delivery;
import one.flowmade.aether.verification.history.HistoryLog;
import one.flowmade.aether.verification.history.Moment;
import one.flowmade.aether.verification.history.ReadOp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Aether node of a fault-injection run, as a separate OS process: it connects to the NATS
 * cluster, joins the Aether cluster, appends with expected versions to actors it shares with the
 * other nodes, reads them, follows the namespace with a subscription, and records everything in
 * its history log (see {@link WorkloadConfig} for the arguments).
 *
 * <p>{@linkplain WorkloadConfig#hosted() Hosted}: the node hosts the actors of the shards it owns
 * ({@link ActorHost}) and its workers send deposit commands with command ids through {@link
 * ActorClient} instead of appending; a command whose outcome is not known is sent again with the
 * same command id until its deadline. Each command is recorded as a logical append of the one
 * event id its command id derives ({@link CommandIds#eventId}); the event names the process that
 * decided it and the shard's epoch.
 *
 * <p>It runs until it receives SIGTERM (a JVM shutdown), then stops its workers, lets the
 * operations in flight finish or records them as unknown, leaves the cluster and closes the log.
 * SIGKILL leaves the log as it was: operations in flight stay unknown.
 *
 * <p>Not thread-safe to construct; {@link #stop()} may be called from any thread.
 */
public final class WorkloadNode {

  private static final Logger LOG = LoggerFactory.getLogger(WorkloadNode.class);
  private static final Duration APPEND_DEADLINE = Duration.ofSeconds(30);
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration CONFIRM_EVERY = Duration.ofMillis(200);

  private final WorkloadConfig config;
  private final String process;
  private final HistoryLog log;
  private final ClusterRecorder recorder;
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, Long> known = new ConcurrentHashMap<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean running = true;
  private Connection connection;
  private JetStreamEventStore store;
  private ClusterNode node;
  private ActorHost host;
  private ActorClient client;
  private ExecutorService handlers;
  private volatile EventSubscription subscription;
  private int subscriptions;
  private final AtomicLong deliveries = new AtomicLong();
  private volatile long lastDelivered;

  private WorkloadNode(WorkloadConfig config) {
    this.config = config;
    this.process = config.process();
    this.log = HistoryLog.open(config.log());
    this.recorder = new ClusterRecorder(process, log);
  }

  /**
   * Runs a workload node until the JVM is asked to shut down.
   *
   * @param args {@code key=value} arguments, see {@link WorkloadConfig#parse(String...)}
   * @throws Exception if the node cannot start
   */
  public static void main(String[] args) throws Exception {
    WorkloadNode workload = new WorkloadNode(WorkloadConfig.parse(args));
    Runtime.getRuntime().addShutdownHook(new Thread(workload::stop, "aether-workload-stop"));
    workload.run();
  }

  private void run() throws InterruptedException {
    connection = retry("connect to NATS", this::connect);
    store = retry("open the event store", () -> JetStreamEventStore.builder(connection,
        config.namespace()).replicas(3).requestTimeout(Duration.ofSeconds(2)).build());
    if (config.hosted()) {
      ActorRepository<HostedAccount.Account, HostedAccount.Deposited> accounts =
          ActorRepository.builder(HostedAccount.MODEL, HostedAccount.Deposited.class)
              .eventStore(store).codec(HostedAccount.CODEC).build();
      host = ActorHost.builder()
          .register(HostedAccount.TYPE, accounts, (account, deposit) -> HostedAccount.decide(
              deposit, process, recorder.epochOf(node.shardOf(deposit.actorId()))))
          .build();
      handlers = Executors.newFixedThreadPool(8);
    }
    node = retry("join the cluster", () -> nodeBuilder().build());
    if (host != null) {
      host.attach(node);
      client = ActorClient.of(node.router());
    }
    recorder.ownership(node::ownsShard);
    openSubscription();
    startWorkers();
  }

  private ClusterNode.Builder nodeBuilder() {
    ClusterNode.Builder builder = Startup.clusterNode(connection, config.cluster(), config.node(),
            config.shards())
        .leadershipListener(recorder);
    if (host == null) {
      return builder.shardListener(recorder);
    }
    // The host takes each callback first, then passes it on to the recorder. A command decided
    // between the two finds no epoch in the recorder; its event says -1 and is not checked.
    return builder.shardListener(host.shardListener(recorder))
        .messageHandler(host.messageHandler())
        .handlerExecutor(handlers);
  }

  private void startWorkers() throws InterruptedException {
    Thread confirmer = new Thread(this::confirmLoop, "aether-workload-confirm");
    confirmer.setDaemon(true);
    confirmer.start();
    for (int i = 0; i < config.workers(); i++) {
      Random random = new Random(config.seed() * 31 + i);
      Thread worker = new Thread(() -> work(random), "aether-workload-" + i);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
    System.out.println("workload " + process + " running");
    System.out.flush();
    stopped.await();
  }

  private Connection connect() throws IOException, InterruptedException {
    Options options = Options.builder()
        .servers(config.servers().toArray(String[]::new))
        .connectionName(process)
        .maxReconnects(-1)
        .reconnectWait(Duration.ofMillis(250))
        .connectionTimeout(Duration.ofSeconds(3))
        .errorListener(new ErrorListener() { })
        .build();
    return Nats.connect(options);
  }

  private <T> T retry(String what, Startup.Step<T> step) throws InterruptedException {
    return Startup.retry(process, what, step);
  }

  private void openSubscription() {
    String name = "sub-" + (++subscriptions);
    SubscriptionOptions options = SubscriptionOptions.builder()
        .from(Position.after(lastDelivered)).build();
    subscription = store.subscribe(options, event -> delivered(name, event));
  }

  private void delivered(String name, Event event) {
    lastDelivered = event.position();
    log.write(new Delivery(process + "/" + name + "/" + deliveries.incrementAndGet(), process,
        name, Moment.now(), event.position(), event.actorId(), event.version(), event.id()));
  }

  private void confirmLoop() {
    while (running) {
      try {
        recorder.confirm();
        EventSubscription current = subscription;
        if (current != null && !current.isActive() && running) {
          LOG.warn("{}: subscription stopped ({}); opening another", process,
              current.failure().map(Throwable::toString).orElse("no failure"));
          current.close();
          openSubscription();
        }
      } catch (RuntimeException e) {
        LOG.warn("{}: confirmation failed: {}", process, e.toString());
      }
      try {
        TimeUnit.NANOSECONDS.sleep(CONFIRM_EVERY.toNanos());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void work(Random random) {
    while (running) {
      String actor = "acct-" + random.nextInt(config.actors());
      if (random.nextInt(10) < 2) {
        read(actor);
      } else if (client != null) {
        command(actor);
      } else {
        append(actor, random);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(config.pause().toMillis() / 2
            + random.nextInt((int) Math.max(1, config.pause().toMillis())));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void read(String actor) {
    ReadOp op = ReadOp.invoke(process + "-r" + sequence.incrementAndGet(), process, actor,
        Moment.now());
    log.write(op);
    try {
      List<String> ids = store.read(actor, 1).events().stream().map(Event::id).toList();
      log.write(op.ok(Moment.now(), ids));
      known.merge(actor, (long) ids.size(), Math::max);
    } catch (RuntimeException e) {
      log.write(op.failed(Moment.now(), e.toString()));
    }
  }

  private void append(String actor, Random random) {
    long seq = sequence.incrementAndGet();
    int count = random.nextInt(10) < 7 ? 1 : 2 + random.nextInt(2);
    List<NewEvent> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      events.add(new NewEvent(config.node() + "-" + config.incarnation() + "-" + seq + "-" + i,
          "Deposited", Instant.now(), Metadata.empty(),
          Payload.json("{\"seq\":" + seq + ",\"i\":" + i + "}")));
    }
    ExpectedVersion expected = random.nextInt(10) == 0 ? ExpectedVersion.any()
        : ExpectedVersion.exactly(known.getOrDefault(actor, 0L));
    AppendOp op = AppendOp.invoke(process + "-a" + seq, process, actor,
        AppendOp.expectedOf(expected), events.stream().map(NewEvent::id).toList(), Moment.now());
    log.write(op);
    long deadline = System.nanoTime() + APPEND_DEADLINE.toNanos();
    boolean maybeStored = false;
    String error = null;
    while (true) {
      try {
        AppendResult result = store.append(actor, expected, events);
        log.write(op.ok(Moment.now(), result.firstVersion(), result.lastVersion()));
        known.merge(actor, result.lastVersion(), Math::max);
        return;
      } catch (VersionConflictException e) {
        log.write(op.conflict(Moment.now(), e.actualVersion(), e.toString()));
        known.put(actor, e.actualVersion());
        return;
      } catch (StoreUnavailableException e) {
        error = e.toString();
      } catch (AetherTransientException e) {
        maybeStored = true;
        error = e.toString();
      } catch (IllegalArgumentException e) {
        error = e.toString();
        log.write(maybeStored ? op.unknown(Moment.now(), error) : op.failed(Moment.now(), error));
        return;
      } catch (RuntimeException e) {
        maybeStored = true;
        error = e.toString();
      }
      if (System.nanoTime() - deadline > 0 || !running) {
        log.write(maybeStored ? op.unknown(Moment.now(), error) : op.failed(Moment.now(), error));
        return;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(200);
      } catch (InterruptedException e) {
        log.write(op.unknown(Moment.now(), "interrupted after " + error));
        return;
      }
    }
  }

  /**
   * Sends one deposit with a command id to the actor's owner; after an unknown outcome, sends it
   * again with the same command id until the deadline. Recorded as a logical append of the event
   * id the command id derives: acknowledged at its version ({@code APPLIED}) or without one
   * ({@code ALREADY_APPLIED}: an earlier attempt stored it).
   */
  private void command(String actor) {
    long seq = sequence.incrementAndGet();
    String commandId = process + "-c" + seq;
    AppendOp op = AppendOp.invoke(process + "-c" + seq, process, actor, AppendOp.ANY,
        List.of(CommandIds.eventId(actor, commandId, 0)), Moment.now());
    log.write(op);
    long deadline = System.nanoTime() + APPEND_DEADLINE.toNanos();
    boolean maybeStored = false;
    String error = null;
    while (true) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        try {
          CommandOutcome<HostedAccount.Deposited> outcome = client.send(HostedAccount.TYPE, actor,
              new HostedAccount.Deposit(actor, seq), commandId,
              Duration.ofNanos(Math.min(left, SEND_TIMEOUT.toNanos())));
          switch (outcome.status()) {
            case APPLIED -> {
              log.write(op.ok(Moment.now(), outcome.version(), outcome.version()));
              return;
            }
            case ALREADY_APPLIED -> {
              log.write(op.acknowledged(Moment.now()));
              return;
            }
            default -> {
              error = "rejected: " + outcome.message();
              log.write(maybeStored ? op.unknown(Moment.now(), error)
                  : op.failed(Moment.now(), error));
              return;
            }
          }
        } catch (ActorBusyException e) {
          error = e.toString();
        } catch (RuntimeException e) {
          // A timeout, a lost owner, an unknown append: the command may have been stored.
          maybeStored = true;
          error = e.toString();
        }
      }
      if (System.nanoTime() - deadline > 0 || !running) {
        log.write(maybeStored ? op.unknown(Moment.now(), error) : op.failed(Moment.now(), error));
        return;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(200);
      } catch (InterruptedException e) {
        log.write(op.unknown(Moment.now(), "interrupted after " + error));
        return;
      }
    }
  }

  /** Stops the workers, waits for their operations, leaves the cluster and closes the log. */
  public void stop() {
    if (!running) {
      return;
    }
    running = false;
    for (Thread worker : workers) {
      try {
        worker.join(APPEND_DEADLINE.toMillis() + 5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    quietly(() -> subscription, EventSubscription::close);
    quietly(() -> node, ClusterNode::close);
    quietly(() -> host, ActorHost::close);
    quietly(() -> handlers, ExecutorService::shutdownNow);
    quietly(() -> store, JetStreamEventStore::close);
    quietly(() -> connection, c -> {
      try {
        c.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    log.close();
    stopped.countDown();
  }

  private interface Closer<T> {
    void close(T resource);
  }

  private <T> void quietly(Supplier<T> resource, Closer<T> closer) {
    T value = resource.get();
    if (value == null) {
      return;
    }
    try {
      closer.close(value);
    } catch (RuntimeException e) {
      LOG.warn("{}: closing {} failed: {}", process, value, e.toString());
    }
  }
}
