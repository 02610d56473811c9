package one.flowmade.aether.jetstream;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.Republish;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.ServerInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import one.flowmade.aether.AetherNonTransientException;
import one.flowmade.aether.PermissionDeniedException;
import one.flowmade.aether.StoreUnavailableException;
import one.flowmade.aether.UnsupportedServerException;
import one.flowmade.aether.UnsafeStreamException;
import one.flowmade.aether.nats.internal.AetherStreams;
import one.flowmade.aether.nats.internal.JetStreamErrors;
import one.flowmade.aether.nats.internal.PermissionViolations;
import one.flowmade.aether.nats.internal.ServerVersion;
import one.flowmade.aether.nats.internal.StreamAdoption;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a store's stream, or adopts an existing one after checking that its configuration is
 * safe ({@link StreamAdoption}: else {@link UnsafeStreamException}), what the store needs and
 * what the builder asked for. An existing stream is changed only to
 * enable atomic batch publish, which loses nothing; every other difference is reported with an
 * {@link IncompatibleStreamException}.
 */
final class StreamSetup {

  private static final String API = "$JS.API.";
  private static final Logger LOG = LoggerFactory.getLogger(StreamSetup.class);

  /** Errors of a cluster that is still forming or electing: retried. */
  private static final Set<Integer> TRANSIENT = Set.of(10008, 10023, 10005, 10074);

  private StreamSetup() {}

  /**
   * What a store needs of its stream: the configuration Aether requires ({@link AetherStreams},
   * with its defaults) and the settings made on the builder. Nullable settings were not set on
   * the builder: a new stream gets the required configuration's value, an existing stream keeps
   * its own.
   */
  record Spec(StreamConfiguration required, String component, @Nullable Integer replicas,
      @Nullable StorageType storage, @Nullable Duration maxAge, @Nullable DataSize maxBytes,
      @Nullable Long maxMessages, @Nullable Duration duplicateWindow) {

    String name() {
      return required.getName();
    }

    /** Whether the stream keeps every message of a subject (an actor's events). */
    boolean history() {
      return required.getMaxMsgsPerSubject() < 1;
    }

    boolean atomic() {
      return required.getAllowAtomicPublish();
    }

    Republish republish() {
      return required.getRepublish();
    }

    StreamConfiguration toConfiguration() {
      StreamConfiguration.Builder b = StreamConfiguration.builder(required);
      if (replicas != null) {
        b.replicas(replicas);
      }
      if (storage != null) {
        b.storageType(storage);
      }
      if (duplicateWindow != null) {
        b.duplicateWindow(duplicateWindow);
      }
      if (maxAge != null) {
        b.maxAge(maxAge);
      }
      if (maxBytes != null) {
        b.maxBytes(maxBytes.bytes());
      }
      if (maxMessages != null) {
        b.maxMessages(maxMessages);
      }
      return b.build();
    }
  }

  /**
   * Creates or adopts the stream, retrying transient failures within the budget; blocks.
   *
   * @throws PermissionDeniedException at once if the connection's user may not use the stream's
   *     API subjects
   */
  static StreamInfo ensure(Connection connection, JetStreamManagement jsm, Spec spec,
      RetryBudget budget, Duration requestTimeout) {
    long deadline = System.nanoTime() + budget.timeLimit().toNanos();
    for (int attempt = 1; ; attempt++) {
      Exception failure;
      PermissionViolations.Mark mark = PermissionViolations.mark(connection);
      try {
        return ensureOnce(connection, jsm, spec);
      } catch (JetStreamApiException e) {
        if (!isTransient(e)) {
          throw new AetherNonTransientException("cannot create or adopt stream '" + spec.name()
              + "': " + e.getMessage(), e);
        }
        failure = e;
      } catch (IOException e) {
        mark.refusal("create or adopt stream '" + spec.name() + "'",
            API + "STREAM.INFO." + spec.name(), API + "STREAM.CREATE." + spec.name(),
            API + "STREAM.UPDATE." + spec.name()).ifPresent(refused -> {
              throw refused;
            });
        failure = e;
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw new StoreUnavailableException("cannot create or adopt stream '" + spec.name()
            + "' within " + budget.timeLimit().toMillis() + " ms: " + failure.getMessage(),
            failure);
      }
      LOG.debug("creating or adopting stream '{}' failed, retrying: {}", spec.name(),
          failure.getMessage());
      try {
        Thread.sleep(Math.max(1, Math.min(budget.backoff(attempt).toMillis() + 50,
            remaining / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreUnavailableException("interrupted while creating stream '" + spec.name()
            + "'", e);
      }
    }
  }

  private static boolean isTransient(JetStreamApiException e) {
    return TRANSIENT.contains(e.getApiErrorCode()) || e.getErrorCode() == 503
        || e.getErrorCode() == 408;
  }

  private static StreamInfo ensureOnce(Connection connection, JetStreamManagement jsm, Spec spec)
      throws IOException, JetStreamApiException {
    StreamInfo info = existing(jsm, spec.name());
    if (info == null) {
      try {
        info = jsm.addStream(spec.toConfiguration());
        LOG.info("created stream '{}' ({} replica(s), {} storage)", spec.name(),
            info.getConfiguration().getReplicas(), info.getConfiguration().getStorageType());
        singleReplicaOnCluster(connection.getServerInfo(), info.getConfiguration().getReplicas(),
            spec.name()).ifPresent(LOG::warn);
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() != JetStreamErrors.STREAM_NAME_IN_USE) {
          throw e;
        }
        info = jsm.getStreamInfo(spec.name());
      }
    }
    return adopt(jsm, spec, info);
  }

  /**
   * The warning to log when a stream was created with one replica while the server belongs to a
   * NATS cluster: losing that one server loses (or, until it returns, blocks) the namespace.
   * The server announces its cluster name and the client URLs of the cluster's servers.
   */
  static Optional<String> singleReplicaOnCluster(ServerInfo server, int replicas, String stream) {
    if (replicas != 1 || server == null) {
      return Optional.empty();
    }
    String cluster = server.getCluster();
    int servers = server.getConnectURLs() == null ? 0 : server.getConnectURLs().size();
    if ((cluster == null || cluster.isEmpty()) && servers < 2) {
      return Optional.empty();
    }
    return Optional.of("created stream '" + stream + "' with 1 replica on NATS cluster '"
        + (cluster == null ? "?" : cluster) + "'" + (servers > 1 ? " of " + servers + " servers"
            : "") + ": when its one server is down, the namespace cannot be read or appended"
        + " to, and a lost disk loses its events. Set replicas(3) on the builder (the stream's"
        + " replicas can also be raised later with the nats CLI: nats stream edit " + stream
        + " --replicas 3)");
  }

  private static @Nullable StreamInfo existing(JetStreamManagement jsm, String name)
      throws IOException, JetStreamApiException {
    try {
      return jsm.getStreamInfo(name);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == JetStreamErrors.STREAM_NOT_FOUND) {
        return null;
      }
      throw e;
    }
  }

  private static StreamInfo adopt(JetStreamManagement jsm, Spec spec, StreamInfo info)
      throws IOException, JetStreamApiException {
    StreamConfiguration found = info.getConfiguration();
    StreamAdoption.check(found, spec.required(), spec.component());
    List<String> differences = differences(spec, found);
    if (!differences.isEmpty()) {
      throw new IncompatibleStreamException(spec.name(), differences);
    }
    boolean enableAtomic = spec.atomic() && !found.getAllowAtomicPublish();
    boolean addRepublish = spec.republish() != null && found.getRepublish() == null;
    if (enableAtomic || addRepublish) {
      StreamConfiguration.Builder update = StreamConfiguration.builder(found);
      if (enableAtomic) {
        LOG.warn("stream '{}' does not allow atomic batch publish; enabling it (this changes no"
            + " stored data)", spec.name());
        update.allowAtomicPublish(true);
      }
      if (addRepublish) {
        LOG.warn("stream '{}' does not republish to '{}'; adding it so that NATS bus subscribers"
            + " receive stored events (this changes no stored data)", spec.name(),
            spec.republish().getDestination());
        update.republish(spec.republish());
      }
      info = jsm.updateStream(update.build());
      if (spec.atomic() && !info.getConfiguration().getAllowAtomicPublish()) {
        throw new UnsupportedServerException("the server did not enable atomic batch publish"
            + " (allow_atomic) on stream '" + spec.name() + "': a server of the cluster is"
            + " older than " + ServerVersion.REQUIRED.text() + "; multi-event appends would not"
            + " be atomic");
      }
    }
    return info;
  }

  static List<String> differences(Spec spec, StreamConfiguration found) {
    List<String> d = new ArrayList<>();
    if (found.getRetentionPolicy() != RetentionPolicy.Limits) {
      d.add("retention is " + found.getRetentionPolicy().name() + ", required Limits (other policies"
          + " delete events once consumed)");
    }
    if (spec.history() && found.getMaxMsgsPerSubject() > 0) {
      d.add("max messages per subject is " + found.getMaxMsgsPerSubject()
          + ", required unlimited (a limit deletes an actor's older events)");
    }
    if (found.getSealed()) {
      d.add("the stream is sealed");
    }
    if (found.getNoAck()) {
      d.add("no_ack is set; appends need acknowledgements");
    }
    if (spec.replicas() != null && found.getReplicas() != spec.replicas()) {
      d.add("replicas are " + found.getReplicas() + ", configured " + spec.replicas());
    }
    if (spec.storage() != null && found.getStorageType() != spec.storage()) {
      d.add("storage is " + found.getStorageType().name() + ", configured "
          + spec.storage().name());
    }
    if (spec.maxAge() != null && !spec.maxAge().equals(found.getMaxAge())) {
      d.add("max age is " + found.getMaxAge() + ", configured " + spec.maxAge());
    }
    if (spec.maxBytes() != null && found.getMaxBytes() != spec.maxBytes().bytes()) {
      d.add("max bytes are " + found.getMaxBytes() + ", configured " + spec.maxBytes().bytes());
    }
    if (spec.maxMessages() != null && found.getMaxMsgs() != spec.maxMessages()) {
      d.add("max messages are " + found.getMaxMsgs() + ", configured " + spec.maxMessages());
    }
    if (spec.duplicateWindow() != null
        && !spec.duplicateWindow().equals(found.getDuplicateWindow())) {
      d.add("duplicate window is " + found.getDuplicateWindow() + ", configured "
          + spec.duplicateWindow());
    }
    return d;
  }
}
