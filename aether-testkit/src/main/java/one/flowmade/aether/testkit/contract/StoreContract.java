package one.flowmade.aether.testkit.contract;

import java.time.Duration;
import java.util.function.Function;
import one.flowmade.aether.Namespace;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every store contract suite shares: a {@link TestScope} per test, the store of {@code
 * namespace("main")} the test uses, the factory an implementation provides, and bounded waits.
 * Not thread-safe: the suite runs one test at a time.
 *
 * @param <S> the store API under test
 */
abstract class StoreContract<S extends AutoCloseable> {

  final TestScope scope;
  private final Function<S, Namespace> namespaceOf;
  S store;

  StoreContract(String prefixStart, Function<S, Namespace> namespaceOf) {
    this.scope = new TestScope(prefixStart);
    this.namespaceOf = namespaceOf;
  }

  /**
   * Creates a store of a namespace. The suite calls it once per namespace in a test and closes the
   * store after the test.
   *
   * @param namespace the namespace, unique to the running test
   * @return an open store of that namespace
   */
  protected abstract S createStore(Namespace namespace);

  /**
   * Returns a second, independent store instance of {@code previous}'s namespace that sees the
   * same state, as another process connected to the same server would (for an event store: the
   * same events and the same durable subscription positions). The suite closes both.
   *
   * <p>The default calls {@link #createStore(Namespace)} with the same namespace, which is right
   * for stores whose state lives on a server. Stores whose state lives in the instance override
   * it to return an instance sharing that state.
   *
   * @param previous a store the suite created, open or closed
   * @return another open store of the same namespace sharing its state
   */
  protected S reopen(S previous) {
    return createStore(namespaceOf.apply(previous));
  }

  /**
   * Returns how long the suite waits at most for something asynchronous to happen.
   *
   * @return the bound of every wait; 30 seconds unless overridden
   */
  protected Duration timeout() {
    return Duration.ofSeconds(30);
  }

  /**
   * Returns a namespace unique to the running test: its name is {@code name} after the test's
   * random prefix.
   *
   * @param name the name's end: lower-case letters, digits, {@code '-'} and {@code '_'}
   * @return the namespace
   */
  protected final Namespace namespace(String name) {
    return scope.namespace(name);
  }

  /**
   * Returns the store the running test uses, of {@code namespace("main")}.
   *
   * @return the store
   */
  protected final S store() {
    return store;
  }

  @BeforeEach
  final void openMainStore() {
    scope.begin();
    store = open(namespace("main"));
  }

  @AfterEach
  final void closeResources() throws Exception {
    scope.end();
  }

  /** Creates a store of a namespace that the suite closes after the test. */
  final S open(Namespace namespace) {
    return scope.open(namespace, this::createStore, namespaceOf);
  }

  /** A wait bounded by {@link #timeout()}, polling every 5 ms. */
  final ConditionFactory waiting() {
    return Awaitility.await().atMost(timeout()).pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5));
  }
}
