package one.flowmade.aether.jetstream;

import static one.flowmade.aether.internal.BuilderSettings.checkUnset;
import static one.flowmade.aether.internal.BuilderSettings.once;
import static one.flowmade.aether.internal.BuilderSettings.positive;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.StoreUnavailableException;
import one.flowmade.aether.Tracing;
import one.flowmade.aether.internal.BuilderSettings;
import one.flowmade.aether.nats.internal.ServerVersion;
import org.jspecify.annotations.Nullable;

/**
 * What the builders of both JetStream stores share: the settings (connection, namespace,
 * replicas, storage, request timeout, retry budget), each checked when set and settable once,
 * and the steps that open a store: check the server, reach JetStream, create or adopt the stream.
 * Not thread-safe.
 *
 * @param <B> the concrete builder
 */
abstract class StoreBuilder<B extends StoreBuilder<B>> {

  static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(2);

  final Connection connection;
  final Namespace namespace;
  private @Nullable Integer replicas;
  private @Nullable StorageType storage;
  private @Nullable Duration requestTimeout;
  private @Nullable RetryBudget retryBudget;
  private @Nullable MeterRegistry meterRegistry;
  private Tracing tracing = Tracing.none();
  private @Nullable ThreadFactory threadFactory;

  StoreBuilder(Connection connection, Namespace namespace) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
  }

  /** Returns this builder as its concrete type. */
  abstract B self();

  /**
   * Sets the number of replicas of a new stream: 1 (the default) on a single server, 3 in a
   * cluster so that the namespace survives the loss of a server.
   *
   * @param replicas 1 to 5
   * @return this builder
   * @throws IllegalArgumentException if out of range
   * @throws IllegalStateException if already set
   */
  public B replicas(int replicas) {
    if (replicas < 1 || replicas > 5) {
      throw new IllegalArgumentException("replicas must be 1 to 5, was " + replicas);
    }
    checkUnset(this.replicas, "replicas");
    this.replicas = replicas;
    return self();
  }

  /**
   * Sets where the stream keeps its messages (default {@link StorageType#File}; {@link
   * StorageType#Memory} loses the stored data when all replicas restart).
   *
   * @param storage the storage type
   * @return this builder
   * @throws IllegalStateException if already set
   */
  public B storage(StorageType storage) {
    Objects.requireNonNull(storage, "storage");
    checkUnset(this.storage, "storage");
    this.storage = storage;
    return self();
  }

  /**
   * Sets where the store's threads come from (default: platform daemon threads): its workers
   * (at most 16, created on demand, ended after 30 s idle), its timer (one) and one thread per
   * subscription. The store names each thread it gets ({@code aether-event-store-<namespace>-
   * worker-<n>}, {@code …-timer-<n>}, {@code aether-sub-<namespace>-<name>}; see {@code
   * docs/operations.md}) and otherwise keeps what the factory made, so a factory of virtual
   * threads ({@code Thread.ofVirtual().factory()} on Java 21 and newer) makes every thread of
   * the store virtual. The store's threads block on requests to the server.
   *
   * @param threadFactory the factory; it must return an unstarted thread for every call
   * @return this builder
   * @throws NullPointerException if {@code threadFactory} is null
   * @throws IllegalStateException if already set
   */
  public B threadFactory(ThreadFactory threadFactory) {
    Objects.requireNonNull(threadFactory, "threadFactory");
    checkUnset(this.threadFactory, "threadFactory");
    this.threadFactory = threadFactory;
    return self();
  }

  /**
   * Sets how long one request waits for the server's answer (default 2 seconds); failed
   * requests are retried within the {@link #retryBudget(RetryBudget) retry budget}.
   *
   * @param timeout a positive duration
   * @return this builder
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException if already set
   */
  public B requestTimeout(Duration timeout) {
    this.requestTimeout = positive(this.requestTimeout, timeout, "requestTimeout");
    return self();
  }

  /**
   * Sets how long and how patiently transient failures are retried (default {@link
   * RetryBudget#defaults()}: 30 seconds).
   *
   * @param budget the retry budget
   * @return this builder
   * @throws IllegalStateException if already set
   */
  public B retryBudget(RetryBudget budget) {
    Objects.requireNonNull(budget, "budget");
    checkUnset(this.retryBudget, "retryBudget");
    this.retryBudget = budget;
    return self();
  }

  /** Sets the registry; the public builders document what each records. */
  final void setMeterRegistry(MeterRegistry registry) {
    this.meterRegistry = once(this.meterRegistry, registry, "meterRegistry");
  }

  /** Sets the tracing; the public builders document what each records. */
  final void setOpenTelemetry(OpenTelemetry openTelemetry) {
    this.tracing = BuilderSettings.tracing(this.tracing, openTelemetry);
  }

  /** The replicas set, or null: a new stream gets the default, an existing one keeps its own. */
  @Nullable Integer replicasSet() {
    return replicas;
  }

  /** The storage set, or null (see {@link #replicasSet()}). */
  @Nullable StorageType storageSet() {
    return storage;
  }

  Duration effectiveRequestTimeout() {
    Duration timeout = requestTimeout;
    return timeout == null ? DEFAULT_REQUEST_TIMEOUT : timeout;
  }

  RetryBudget effectiveRetryBudget() {
    RetryBudget budget = retryBudget;
    return budget == null ? RetryBudget.defaults() : budget;
  }

  /**
   * Checks the server, then creates the stream or adopts it; blocks.
   *
   * @param component the store, for the message of a too old server
   * @param breaks what would break on an older server
   * @param spec the stream the store needs
   * @return the stream's info
   */
  StreamInfo openStream(String component, String breaks, StreamSetup.Spec spec) {
    ServerVersion.check(connection, component, breaks);
    JetStreamManagement jsm;
    try {
      jsm = connection.jetStreamManagement(JetStreamOptions.builder()
          .requestTimeout(effectiveRequestTimeout()).build());
    } catch (IOException e) {
      throw new StoreUnavailableException("cannot reach JetStream: " + e.getMessage(), e);
    }
    return StreamSetup.ensure(connection, jsm, spec, effectiveRetryBudget(),
        effectiveRequestTimeout());
  }

  /** The context of a store on {@code info}'s stream. */
  StoreContext context(String what, StreamInfo info) {
    // Micrometer is optional: its classes are touched only when a registry was given.
    MeterRegistry registry = meterRegistry;
    StoreMetrics metrics = registry == null ? StoreMetrics.NONE
        : MicrometerStoreMetrics.create(registry, namespace);
    ThreadFactory threads = threadFactory;
    return new StoreContext(what, connection, namespace, info.getConfiguration().getName(),
        effectiveRequestTimeout(), effectiveRetryBudget(), metrics, tracing,
        threads == null ? StoreContext.DAEMON_THREADS : threads);
  }

  /** The largest message the server and the stream accept. */
  long maxPayload(StreamInfo info) {
    long max = connection.getServerInfo().getMaxPayload();
    long maxMessageSize = info.getConfiguration().getMaximumMessageSize();
    return maxMessageSize > 0 ? Math.min(max, maxMessageSize) : max;
  }
}
