package one.flowmade.aether.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import one.flowmade.aether.Namespace;
import org.jspecify.annotations.Nullable;

/**
 * The scope of one test of a contract suite: a random namespace prefix unique to the test, and
 * everything the test creates (stores, subscriptions, threads), closed after it in reverse order
 * of creation. A suite calls {@link #begin()} before each test and {@link #end()} after it.
 *
 * <p>Not thread-safe: a suite uses it from the thread that runs the test.
 */
final class TestScope {

  private final String prefixStart;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private @Nullable String prefix;

  /**
   * Creates a scope whose prefixes start with a letter of the suite's own, so the namespaces of
   * two suites never collide.
   *
   * @param prefixStart the start of every prefix, a lower-case letter
   */
  TestScope(String prefixStart) {
    this.prefixStart = prefixStart;
  }

  /** Starts a test: picks a new random prefix. */
  void begin() {
    prefix = prefixStart + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36) + "-";
  }

  /**
   * Returns a namespace unique to the running test.
   *
   * @param name the name's end: lower-case letters, digits, {@code '-'} and {@code '_'}
   * @return the namespace whose name is {@code name} after the test's prefix
   */
  Namespace namespace(String name) {
    return Namespace.of(prefix + name);
  }

  /**
   * Creates a store of a namespace, closes it after the test, and checks that it reports the
   * namespace it was created for.
   *
   * @param namespace the namespace
   * @param createStore the suite's factory
   * @param namespaceOf returns a store's namespace
   * @param <S> the store type
   * @return the open store
   */
  <S extends AutoCloseable> S open(
      Namespace namespace, Function<Namespace, S> createStore, Function<S, Namespace> namespaceOf) {
    S created = track(createStore.apply(namespace));
    assertThat(namespaceOf.apply(created)).isEqualTo(namespace);
    return created;
  }

  /**
   * Closes a resource after the test.
   *
   * @param resource the resource
   * @param <T> its type
   * @return the resource
   */
  <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  /**
   * Returns a thread pool that is shut down, its threads interrupted, after the test.
   *
   * @param threads the number of threads
   * @return the pool
   */
  ExecutorService executor(int threads) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    resources.add(pool::shutdownNow);
    return pool;
  }

  /**
   * Ends a test: closes everything it created, last created first. Every resource is closed even
   * when closing another fails.
   *
   * @throws Exception the first failure to close, with the later ones suppressed
   */
  void end() throws Exception {
    Exception failure = null;
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    resources.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
