package one.flowmade.aether.testkit.nats;

/**
 * What every {@link ServerRuntime} shares: the server's name for messages, whether the runtime is
 * closed, and its registration with the {@link Reaper}, which stops the server if the JVM exits
 * before {@link #close()} did. A subclass calls {@link #track()} once it has something to stop and
 * stops it in {@link #release()}.
 *
 * <p>Thread-safe: the closed state is guarded by the instance's lock, which subclasses also hold in
 * their own methods.
 */
abstract class AbstractServerRuntime implements ServerRuntime {

  /** The server name, for messages. */
  final String name;

  private boolean closed;

  /**
   * Creates an open runtime that is not tracked yet.
   *
   * @param name the server name, for messages
   */
  AbstractServerRuntime(String name) {
    this.name = name;
  }

  /**
   * Throws if the runtime is closed. Call with the lock held.
   *
   * @throws IllegalStateException if {@link #close()} was called
   */
  final void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(name + " is closed");
    }
  }

  /**
   * Returns whether {@link #close()} was called. Call with the lock held.
   *
   * @return true once closed
   */
  final boolean isClosed() {
    return closed;
  }

  /** Registers the runtime with the {@link Reaper}, so the server is stopped at JVM exit. */
  final void track() {
    Reaper.track(this);
  }

  @Override
  public final synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      release();
    } finally {
      Reaper.untrack(this);
    }
  }

  /** Stops the server if it runs and releases what it holds. Called once, by {@link #close()}. */
  abstract void release();
}
