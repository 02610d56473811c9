package one.flowmade.aether.memory;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import one.flowmade.aether.Limits;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Snapshot;
import one.flowmade.aether.SnapshotStore;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SnapshotStore} that holds the latest snapshot of each actor of one namespace in memory,
 * with the semantics of the JetStream store.
 *
 * <p>Each store made by {@link #create(Namespace)} or {@link Builder#namespace(Namespace)} has
 * state of its own; a store built with {@link Builder#sharingStateWith(InMemorySnapshotStore)}
 * shares another store's snapshots, as two clients of one JetStream bucket do. Closing a store
 * keeps the snapshots for stores that share them. Snapshots are returned exactly as saved.
 *
 * <p>Thread-safe and non-blocking: {@link #save(Snapshot)} and {@link #load(String)} take constant
 * time; concurrent saves for one actor keep the one with the highest version.
 */
public final class InMemorySnapshotStore implements SnapshotStore {

  private final Namespace namespace;
  private final ConcurrentMap<String, Snapshot> snapshots;
  private volatile boolean closed;

  private InMemorySnapshotStore(Namespace namespace, ConcurrentMap<String, Snapshot> snapshots) {
    this.namespace = namespace;
    this.snapshots = snapshots;
  }

  /**
   * Returns a new, empty store of a namespace, with state of its own.
   *
   * @param namespace the namespace
   * @return the store
   * @throws NullPointerException if {@code namespace} is null
   */
  public static InMemorySnapshotStore create(Namespace namespace) {
    return builder().namespace(namespace).build();
  }

  /**
   * Returns a new builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the namespace; works after {@link #close()} too.
   *
   * @return the namespace
   */
  @Override
  public Namespace namespace() {
    return namespace;
  }

  /**
   * Saves a snapshot unless the actor has one of the same or a later version.
   *
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public boolean save(Snapshot snapshot) {
    Objects.requireNonNull(snapshot, "snapshot");
    ensureOpen();
    boolean[] saved = {false};
    snapshots.compute(snapshot.actorId(), (actorId, current) -> {
      if (current != null && current.version() >= snapshot.version()) {
        return current;
      }
      saved[0] = true;
      return snapshot;
    });
    return saved[0];
  }

  /**
   * Loads an actor's latest snapshot.
   *
   * @throws IllegalArgumentException if the actor id is invalid
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public Optional<Snapshot> load(String actorId) {
    Limits.checkActorId(actorId);
    ensureOpen();
    return Optional.ofNullable(snapshots.get(actorId));
  }

  /** Closes the store; the snapshots stay for stores that share them. Idempotent. */
  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "InMemorySnapshotStore[" + namespace + (closed ? ", closed]" : "]");
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(
          "in-memory snapshot store of namespace '" + namespace + "' is closed");
    }
  }

  /**
   * Builds an {@link InMemorySnapshotStore}. Not thread-safe; each input is checked when it is
   * set.
   */
  public static final class Builder {
    private @Nullable Namespace namespace;
    private @Nullable ConcurrentMap<String, Snapshot> shared;

    private Builder() {}

    /**
     * Sets the namespace; the store gets state of its own.
     *
     * @param namespace the namespace
     * @return this builder
     * @throws IllegalStateException if the namespace was already set, here or by {@link
     *     #sharingStateWith(InMemorySnapshotStore)}
     */
    public Builder namespace(Namespace namespace) {
      Objects.requireNonNull(namespace, "namespace");
      checkNamespaceUnset();
      this.namespace = namespace;
      return this;
    }

    /**
     * Makes the store share the snapshots of another one (open or closed), and its namespace.
     *
     * @param other the store whose snapshots to share
     * @return this builder
     * @throws IllegalStateException if the namespace was already set, here or by {@link
     *     #namespace(Namespace)}
     */
    public Builder sharingStateWith(InMemorySnapshotStore other) {
      Objects.requireNonNull(other, "other");
      checkNamespaceUnset();
      this.namespace = other.namespace;
      this.shared = other.snapshots;
      return this;
    }

    /**
     * Builds the store.
     *
     * @return the store, open
     * @throws IllegalStateException if no namespace was set
     */
    public InMemorySnapshotStore build() {
      if (namespace == null) {
        throw new IllegalStateException(
            "namespace is not set; call namespace(..) or sharingStateWith(..)");
      }
      return new InMemorySnapshotStore(
          namespace, shared != null ? shared : new ConcurrentHashMap<>());
    }

    private void checkNamespaceUnset() {
      if (namespace != null) {
        throw new IllegalStateException("namespace was already set to '" + namespace + "'");
      }
    }
  }
}
