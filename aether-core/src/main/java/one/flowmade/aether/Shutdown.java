package one.flowmade.aether;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes Aether's components, in the order given, when the JVM shuts down: on SIGTERM (a rolling
 * deploy, {@code docker stop}, Kubernetes), SIGINT, or a normal exit. Without a hook a SIGTERM
 * ends the process like a crash. A cluster node registers one of these for itself by default
 * (it hands its shards over at once instead of leaving them until its membership lease expires);
 * register this one, with the node first, to close what the node uses after it: JVM shutdown
 * hooks run concurrently, and the node's {@code close()} waits for a close in progress.
 *
 * <pre>{@code
 * Shutdown.onSignal(node, host, store, snapshots, connection, handlerPool::shutdown);
 * }</pre>
 *
 * <p>Give the components in the order they should stop: first what takes work (the cluster node:
 * it stops serving each shard, waits for the shard's running commands, bounded, releases it and
 * leaves), then what the work used (actor host, projections, stores, buses), then the NATS
 * connection and your executors last. See {@code docs/operations.md}, "Shutdown".
 *
 * <p>Each {@code close()} runs once, on the JVM's shutdown-hook thread; one that throws is
 * logged and the next is closed anyway. The JVM waits for the hook, so keep the components'
 * own bounds (a node's {@code shardDrainTimeout}, operation timeout) below the time your platform
 * allows between SIGTERM and SIGKILL (Kubernetes: {@code terminationGracePeriodSeconds}, 30 s
 * by default). A SIGKILL or a crash runs no hook: the leases expire then.
 *
 * <p>Thread-safe.
 */
public final class Shutdown implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Shutdown.class);

  private final List<AutoCloseable> inOrder;
  private final Thread hook;
  private final AtomicBoolean ran = new AtomicBoolean();

  private Shutdown(List<AutoCloseable> inOrder) {
    this.inOrder = inOrder;
    this.hook = new Thread(this::closeAll, "aether-shutdown");
    this.hook.setDaemon(true); // like every Aether thread; the JVM runs hooks to the end anyway
  }

  /**
   * Registers a JVM shutdown hook that closes {@code closeables} in the order given.
   *
   * @param closeables what to close, first to last; at least one
   * @return the registration; {@link #close()} removes the hook again (for a component closed
   *     earlier by the application)
   * @throws NullPointerException if {@code closeables} or one of them is null
   * @throws IllegalArgumentException if none is given
   * @throws IllegalStateException if the JVM is already shutting down
   */
  public static Shutdown onSignal(AutoCloseable... closeables) {
    Objects.requireNonNull(closeables, "closeables");
    if (closeables.length == 0) {
      throw new IllegalArgumentException("give at least one component to close on shutdown");
    }
    List<AutoCloseable> list = new ArrayList<>(closeables.length);
    for (int i = 0; i < closeables.length; i++) {
      list.add(Objects.requireNonNull(closeables[i], "closeables[" + i + "]"));
    }
    Shutdown shutdown = new Shutdown(List.copyOf(list));
    Runtime.getRuntime().addShutdownHook(shutdown.hook);
    return shutdown;
  }

  /**
   * Closes the components now, in order, unless they were closed already (by the hook or an
   * earlier call). Blocks until each has closed. The hook stays registered but does nothing.
   */
  public void closeNow() {
    closeAll();
  }

  private void closeAll() {
    if (!ran.compareAndSet(false, true)) {
      return;
    }
    long started = System.nanoTime();
    for (AutoCloseable closeable : inOrder) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("closing {} on shutdown failed; closing the rest", closeable, e);
      }
    }
    LOG.info("closed {} component(s) on shutdown in {} ms", inOrder.size(),
        (System.nanoTime() - started) / 1_000_000);
  }

  /**
   * Removes the shutdown hook without closing anything. Does nothing once the JVM is shutting
   * down. Idempotent.
   */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs or has run
    }
  }
}
