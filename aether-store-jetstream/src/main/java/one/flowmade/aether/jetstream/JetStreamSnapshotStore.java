package one.flowmade.aether.jetstream;

import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.nats.client.support.NatsJetStreamConstants;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import one.flowmade.aether.AetherNonTransientException;
import one.flowmade.aether.Deadline;
import one.flowmade.aether.Limits;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Payload;
import one.flowmade.aether.PermissionDeniedException;
import one.flowmade.aether.Snapshot;
import one.flowmade.aether.SnapshotStore;
import one.flowmade.aether.StoreUnavailableException;
import one.flowmade.aether.UnsupportedServerException;
import one.flowmade.aether.jetstream.Failures.ServerError;
import one.flowmade.aether.jetstream.Failures.Unreachable;
import one.flowmade.aether.nats.CloudEventHeaders;
import one.flowmade.aether.nats.TokenEncoding;
import one.flowmade.aether.nats.internal.AetherStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SnapshotStore} on NATS JetStream: the latest snapshot of each actor is the one message
 * on {@code aether.snap.<namespace>.<actor>} in the stream {@code AETHERSNAP_<namespace>}, which
 * keeps one message per subject. The body is the encoded state; headers carry the version, the
 * position, the time and the content type.
 *
 * <p>{@link #load} is one request to the stream leader, whatever the number of actors. {@link
 * #save} reads the actor's current snapshot and writes the new one with {@code
 * Nats-Expected-Last-Subject-Sequence} set to it (a compare-and-set), repeating on a race, so a
 * concurrent save of an older version can never overwrite a newer one.
 *
 * <p>Thread-safe; methods block until the server answers or the {@link RetryBudget} is spent.
 * The caller's {@link Connection} is never closed by the store. Errors: {@link
 * IllegalArgumentException} for invalid arguments (a state larger than the server's max payload
 * included), {@link StoreUnavailableException} when the server cannot be reached, {@link
 * PermissionDeniedException} for a subject the NATS user may not use, {@link
 * AetherNonTransientException} for a request the server refuses for good, {@link
 * one.flowmade.aether.AetherTransientException} for an interrupted wait (the interrupt flag set
 * again), {@link IllegalStateException} after {@link #close()}. A failed snapshot never loses
 * data: the events are the truth.
 */
public final class JetStreamSnapshotStore implements SnapshotStore {

  private static final Logger LOG = LoggerFactory.getLogger(JetStreamSnapshotStore.class);

  static final String VERSION = "Aether-Snapshot-Version";
  static final String POSITION = "Aether-Snapshot-Position";
  static final String TIME = "Aether-Snapshot-Time";
  static final String ACTOR = "Aether-Actor";
  static final String CONTENT_TYPE = "Content-Type";

  private final Namespace namespace;
  private final String streamName;
  private final StoreContext context;
  private final long maxPayload;

  private JetStreamSnapshotStore(StoreBuilder<?> settings, StreamInfo info) {
    this.namespace = settings.namespace;
    this.streamName = info.getConfiguration().getName();
    this.context = settings.context("snapshot store", info);
    this.maxPayload = settings.maxPayload(info);
  }

  /**
   * Returns a builder for the snapshot store of a namespace.
   *
   * @param connection a connected jnats connection; the store uses it but never closes it
   * @param namespace the namespace
   * @return the builder
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(Connection connection, Namespace namespace) {
    return new Builder(connection, namespace);
  }

  /**
   * Returns the name of the stream of a namespace's snapshots. It does not start with {@code
   * AETHER_}, so it can never equal an event stream's name, not even ignoring case.
   *
   * @param namespace the namespace
   * @return {@code AETHERSNAP_<namespace>}
   */
  public static String streamName(Namespace namespace) {
    return AetherStreams.snapshotStreamName(namespace);
  }

  static String subjectPrefix(Namespace namespace) {
    return AetherStreams.snapshotSubjectPrefix(namespace);
  }

  static String subject(Namespace namespace, String actorId) {
    return subjectPrefix(namespace) + TokenEncoding.encode(Limits.checkActorId(actorId));
  }

  @Override
  public Namespace namespace() {
    return namespace;
  }

  /**
   * Returns the name of the stream holding the snapshots.
   *
   * @return {@code AETHERSNAP_<namespace>}
   */
  public String streamName() {
    return streamName;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if the encoded snapshot is larger than the server accepts
   * @throws StoreUnavailableException if the server cannot be reached within the retry budget
   *     (the snapshot may or may not have been saved)
   * @throws PermissionDeniedException if the store's NATS user may not write the namespace: a
   *     deployment error, retrying does not help
   * @throws one.flowmade.aether.AetherNonTransientException if the server refused the snapshot for
   *     good (the message says why): skip snapshots of this actor until the cause is fixed
   * @throws one.flowmade.aether.AetherTransientException if the calling thread is interrupted while
   *     waiting (the interrupt flag is set again): nothing lost; skip this snapshot
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public boolean save(Snapshot snapshot) {
    Objects.requireNonNull(snapshot, "snapshot");
    context.checkOpen();
    StoreMetrics metrics = context.metrics();
    long start = metrics.start();
    try {
      boolean saved = saveChecked(snapshot);
      metrics.snapshotSaved(start, saved, null);
      return saved;
    } catch (RuntimeException e) {
      metrics.snapshotSaved(start, false, e);
      throw e;
    }
  }

  private boolean saveChecked(Snapshot snapshot) {
    String subject = subject(namespace, snapshot.actorId());
    Headers headers = new Headers();
    headers.put(VERSION, Long.toString(snapshot.version()));
    headers.put(POSITION, Long.toString(snapshot.position()));
    headers.put(TIME, snapshot.timestamp().toString());
    headers.put(ACTOR, CloudEventHeaders.encodeValue(snapshot.actorId()));
    headers.put(CONTENT_TYPE, CloudEventHeaders.encodeValue(snapshot.state().contentType()));
    long size = headers.serializedLength() + 100L + snapshot.state().size();
    if (size > maxPayload) {
      throw new IllegalArgumentException("the snapshot of actor '" + snapshot.actorId() + "' is "
          + size + " bytes with its headers (" + snapshot.state().size() + " bytes of state);"
          + " the server accepts at most " + maxPayload + " bytes per message");
    }
    long deadline = context.deadline();
    boolean sent = false;
    RuntimeException failure = null;
    for (int attempt = 1; ; attempt++) {
      context.checkOpen();
      try {
        Optional<Current> current = current(subject);
        if (current.isPresent() && current.get().version() >= snapshot.version()) {
          return sent && current.get().snapshot().filter(s -> same(s, snapshot)).isPresent();
        }
        long expected = current.map(Current::sequence).orElse(0L);
        Headers attemptHeaders = new Headers(headers);
        attemptHeaders.put(NatsJetStreamConstants.EXPECTED_LAST_SUB_SEQ_HDR, Long.toString(expected));
        Message message = NatsMessage.builder().subject(subject).headers(attemptHeaders)
            .data(snapshot.state().toByteArray()).build();
        sent = true;
        Message reply = context.await(context.api().request(message));
        try {
          new PublishAck(reply);
          return true;
        } catch (JetStreamApiException e) {
          ServerError error = new ServerError(e.getErrorCode(), e.getApiErrorCode(),
              e.getErrorDescription());
          if (error.isConflict()) {
            continue;
          }
          if (!error.isTransient()) {
            throw new AetherNonTransientException("the server refused the snapshot of actor '"
                + snapshot.actorId() + "': " + error.getMessage(), error);
          }
          failure = error;
        } catch (IOException e) {
          failure = new Unreachable("unexpected answer: " + e.getMessage(), e, false);
        }
      } catch (Unreachable | ServerError e) {
        if (e instanceof ServerError s && !s.isTransient()) {
          throw new AetherNonTransientException("cannot save the snapshot of actor '"
              + snapshot.actorId() + "': " + e.getMessage(), e);
        }
        failure = e;
      }
      if (!context.sleepBeforeRetry(attempt, deadline)) {
        throw new StoreUnavailableException("cannot save the snapshot of actor '"
            + snapshot.actorId() + "' within the retry budget ("
            + context.budget().timeLimit().toMillis() + " ms) or the caller's deadline" + (sent ? " (it may or may not have been saved)" : "") + ": "
            + failure.getMessage(), failure);
      }
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>One request to the stream leader. A stored snapshot that cannot be decoded is logged and
   * treated as absent, so the actor is loaded from its events.
   *
   * @throws StoreUnavailableException if the server cannot be reached within the retry budget
   * @throws IllegalArgumentException if the actor id is empty or too long ({@link Limits})
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws one.flowmade.aether.AetherTransientException if the calling thread is interrupted while
   *     waiting (the interrupt flag is set again): load the actor from its events alone, or retry
   * @throws one.flowmade.aether.AetherNonTransientException if the server refused the request for
   *     good (the message names its error): retrying does not help
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public Optional<Snapshot> load(String actorId) {
    String subject = subject(namespace, actorId);
    context.checkOpen();
    StoreMetrics metrics = context.metrics();
    long start = metrics.start();
    try {
      Optional<Snapshot> snapshot = context.call("load the snapshot of actor '" + actorId + "'",
          () -> CompletableFuture.completedFuture(current(subject)))
          .flatMap(Current::snapshot);
      metrics.snapshotLoaded(start, snapshot.isPresent(), null);
      return snapshot;
    } catch (RuntimeException e) {
      metrics.snapshotLoaded(start, false, e);
      throw e;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Every request and retry stops at the deadline if that comes before the end of the retry
   * budget.
   * @throws StoreUnavailableException if the deadline passed first, or the store could not be
   *     reached before it: nothing lost (the events are the truth); skip this snapshot
   * @throws IllegalArgumentException if the snapshot is larger than the store accepts
   * @throws PermissionDeniedException if the store's NATS user may not write the namespace: a
   *     deployment error, retrying does not help
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public boolean save(Snapshot snapshot, Deadline deadline) {
    Objects.requireNonNull(deadline, "deadline");
    return context.within(deadline, () -> save(snapshot));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Every request and retry stops at the deadline if that comes before the end of the retry
   * budget.
   * @throws StoreUnavailableException if the deadline passed first, or the store could not be
   *     reached before it: retry later, or load the actor from its events alone
   * @throws IllegalArgumentException if the actor id is empty or too long ({@link Limits})
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public Optional<Snapshot> load(String actorId, Deadline deadline) {
    Objects.requireNonNull(deadline, "deadline");
    return context.within(deadline, () -> load(actorId));
  }

  /** The stored snapshot message of a subject, decoded if possible. */
  private record Current(long sequence, long version, Optional<Snapshot> snapshot) {}

  private Optional<Current> current(String subject) {
    return context.await(context.api().lastOn(subject)).map(this::decode);
  }

  private Current decode(StoredMessage message) {
    try {
      long version = Long.parseLong(message.header(VERSION));
      long position = Long.parseLong(message.header(POSITION));
      Instant time = OffsetDateTime.parse(message.header(TIME)).toInstant();
      String actorId = CloudEventHeaders.decodeValue(ACTOR, message.header(ACTOR));
      String contentType = message.header(CONTENT_TYPE);
      Payload state = Payload.of(message.data(), contentType == null ? Payload.OCTET_STREAM
          : CloudEventHeaders.decodeValue(CONTENT_TYPE, contentType));
      return new Current(message.sequence(), version,
          Optional.of(new Snapshot(actorId, version, position, time, state)));
    } catch (RuntimeException e) {
      LOG.warn("the snapshot message at position {} on '{}' cannot be decoded; treating it as"
          + " absent", message.sequence(), message.subject(), e);
      return new Current(message.sequence(), 0, Optional.empty());
    }
  }

  private static boolean same(Snapshot a, Snapshot b) {
    return a.version() == b.version() && a.position() == b.position()
        && a.timestamp().equals(b.timestamp()) && a.state().equals(b.state());
  }

  /** Closes the store; later calls throw {@link IllegalStateException}. Idempotent. */
  @Override
  public void close() {
    if (context.markClosed()) {
      context.shutdown(Duration.ofSeconds(1));
    }
  }

  @Override
  public String toString() {
    return "JetStreamSnapshotStore[" + streamName + "]";
  }

  /**
   * Builds a {@link JetStreamSnapshotStore}. Settings left unset keep an existing stream's value
   * and give a new stream the default. Not thread-safe; each input is checked when set, and each
   * setting may be set once.
   */
  public static final class Builder extends StoreBuilder<Builder> {

    private Builder(Connection connection, Namespace namespace) {
      super(connection, namespace);
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * Checks the server and creates the snapshot stream, or adopts it if it exists; blocks.
     *
     * @return the store
     * @throws UnsupportedServerException if the server is older than 2.12 or has no JetStream
     * @throws IncompatibleStreamException if the stream exists with a configuration the store
     *     cannot use or that differs from a setting made on this builder
     * @throws StoreUnavailableException if the server does not answer within the retry budget,
     *     or the thread is interrupted while waiting to retry (the interrupt flag is set again):
     *     nothing is lost; build again later
     * @throws PermissionDeniedException at once if the connection's NATS user may not use the
     *     namespace's stream
     * @throws one.flowmade.aether.UnsafeStreamException if the stream exists with a configuration
     *     that could leak or forge data (sources, mirror, a foreign republish, subject transforms,
     *     other subjects): nothing changed; find out who changed the stream and restore it
     *     (docs/operations.md, Provisioning)
     * @throws one.flowmade.aether.AetherNonTransientException if the server refused to create or
     *     update the stream for good (the message names its error, for example a stream limit of
     *     the account): fix the account or the builder
     * @throws IllegalStateException if the connection has no server information (it is not
     *     connected): connect first
     */
    public JetStreamSnapshotStore build() {
      Namespace namespace = this.namespace;
      StreamSetup.Spec spec = new StreamSetup.Spec(AetherStreams.snapshots(namespace),
          "the snapshot store of namespace '" + namespace + "'", replicasSet(), storageSet(),
          null, null, null, null);
      StreamInfo info = openStream("Aether's JetStream snapshot store",
          "compare-and-set saves on replicated streams are not reliable (concurrent writers can"
              + " all win), so an older snapshot could overwrite a newer one", spec);
      return new JetStreamSnapshotStore(this, info);
    }

    /**
     * Records snapshot loads and saves, by outcome and with their latency, in a Micrometer
     * registry (default: none, and no cost), tagged with the namespace. Micrometer is an optional
     * dependency: add {@code micrometer-core} to use this.
     *
     * @param registry the registry
     * @return this builder
     * @throws IllegalStateException if already set
     */
    @SuppressWarnings("exports") // Micrometer is optional: callers of this method add it
    public Builder meterRegistry(MeterRegistry registry) {
      Objects.requireNonNull(registry, "registry");
      setMeterRegistry(registry);
      return this;
    }
  }
}
