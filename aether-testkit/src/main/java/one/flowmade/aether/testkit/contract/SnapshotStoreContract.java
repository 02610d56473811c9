package one.flowmade.aether.testkit.contract;

import static one.flowmade.aether.testkit.contract.StoreAssertions.assertClosed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.Limits;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Snapshot;
import one.flowmade.aether.SnapshotStore;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link SnapshotStore} keeps, as a JUnit 5 test suite: extend it, implement
 * {@link #createStore(Namespace)}, and every test runs against your store.
 *
 * <h2>Lifecycle</h2>
 * As in {@link EventStoreContract}: every namespace a test asks for starts with a random prefix
 * unique to the test, so stores on a shared server need no cleaning; the suite calls {@link
 * #createStore(Namespace)} once per namespace in a test, gets a second instance of a namespace only
 * from {@link #reopen reopen(SnapshotStore)}, and closes everything it created after each test.
 *
 * <h2>What is checked</h2>
 * Save and load, that a snapshot of the same or an older version is ignored (also under
 * concurrent saves), isolation per actor and per namespace, actor ids with any characters and of
 * the maximum length, that snapshots are seen by a second store instance, and use after close.
 * Timestamps are compared to the millisecond; everything else exactly.
 *
 * <p>Test methods are public so that an implementation may override one, for example to disable
 * it with a reason.
 */
public abstract class SnapshotStoreContract extends StoreContract<SnapshotStore> {

  /** For subclasses: one per implementation under test. */
  protected SnapshotStoreContract() {
    super("s", SnapshotStore::namespace);
  }

  @Test
  public void save_thenLoad_returnsTheSnapshot() {
    Snapshot snapshot = new Snapshot("order-1", 7, 42,
        Instant.parse("2024-02-29T23:59:59.123456789Z"),
        Payload.json("{\"total\":12.5,\"items\":[\"ü\",\"🚀\"]}"));

    assertThat(store.save(snapshot)).isTrue();

    assertSameSnapshot(store.load("order-1"), snapshot);
  }

  @Test
  public void save_stateOfAnyContentType_roundTripsExactly() {
    byte[] binary = new byte[256];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) i;
    }
    Snapshot bytes = snapshot("order-1", 1, Payload.of(binary, Payload.OCTET_STREAM));
    Snapshot text = snapshot("order-2", 1,
        Payload.of("héllo".getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8"));
    Snapshot empty = snapshot("order-3", 1, Payload.empty());

    store.save(bytes);
    store.save(text);
    store.save(empty);

    assertSameSnapshot(store.load("order-1"), bytes);
    assertSameSnapshot(store.load("order-2"), text);
    assertSameSnapshot(store.load("order-3"), empty);
  }

  @Test
  public void save_newerVersion_replacesTheSnapshot() {
    store.save(snapshot("order-1", 3, Payload.json("{\"v\":3}")));
    Snapshot newer = snapshot("order-1", 10, Payload.json("{\"v\":10}"));

    assertThat(store.save(newer)).isTrue();

    assertSameSnapshot(store.load("order-1"), newer);
  }

  @Test
  public void save_sameOrOlderVersion_isIgnoredAndReturnsFalse() {
    Snapshot kept = snapshot("order-1", 5, Payload.json("{\"v\":5}"));
    store.save(kept);

    assertThat(store.save(snapshot("order-1", 5, Payload.json("{\"v\":\"other\"}")))).isFalse();
    assertThat(store.save(snapshot("order-1", 4, Payload.json("{\"v\":4}")))).isFalse();
    assertThat(store.save(kept)).isFalse();

    assertSameSnapshot(store.load("order-1"), kept);
  }

  @Test
  public void save_concurrentSaves_keepTheHighestVersion() throws Exception {
    int writers = 8;
    ExecutorService pool = scope.executor(writers);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> saved = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int first = w + 1;
      saved.add(pool.submit(() -> {
        go.await();
        int count = 0;
        for (int version = first; version <= 400; version += writers) {
          if (store.save(snapshot("order-1", version, Payload.json("{}")))) {
            count++;
          }
        }
        return count;
      }));
    }
    go.countDown();

    int total = 0;
    for (Future<Integer> writer : saved) {
      total += writer.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    assertThat(store.load("order-1")).get().extracting(Snapshot::version).isEqualTo(400L);
    assertThat(total).isBetween(1, 400);
  }

  @Test
  public void load_unknownActor_isEmpty() {
    store.save(snapshot("order-1", 1, Payload.json("{}")));

    assertThat(store.load("order-2")).isEmpty();
  }

  @Test
  public void load_invalidActorId_throwsIllegalArgument() {
    assertThatThrownBy(() -> store.load("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.load("a".repeat(Limits.MAX_ACTOR_ID_BYTES + 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  public void snapshots_areIsolatedPerActor() {
    List<String> actors = List.of("a.b", "a_b", "a-b", "a=2Eb", "ab", "a b", "a*", "a>", "A.B");
    for (int i = 0; i < actors.size(); i++) {
      store.save(snapshot(actors.get(i), i + 1, Payload.json("{\"i\":" + i + "}")));
    }

    for (int i = 0; i < actors.size(); i++) {
      Optional<Snapshot> loaded = store.load(actors.get(i));
      assertThat(loaded).as(actors.get(i)).get().extracting(Snapshot::version)
          .isEqualTo((long) i + 1);
      assertThat(loaded.get().state().asUtf8()).isEqualTo("{\"i\":" + i + "}");
    }
  }

  @Test
  public void snapshots_areIsolatedPerNamespace() {
    Map<String, SnapshotStore> stores = new LinkedHashMap<>();
    for (String name : List.of("a", "a-b", "a_b", "ab")) {
      stores.put(name, open(namespace(name)));
    }
    stores.forEach((name, namespaceStore) -> namespaceStore.save(
        snapshot("x", 1, Payload.json("{\"ns\":\"" + name + "\"}"))));

    stores.forEach((name, namespaceStore) -> assertThat(namespaceStore.load("x")).get()
        .extracting(s -> s.state().asUtf8()).isEqualTo("{\"ns\":\"" + name + "\"}"));
    assertThat(store.load("x")).isEmpty();
  }

  @Test
  public void actorIds_withAnyCharactersAndTheMaximumLength_roundTripExactly() {
    List<String> actors = List.of("order.1", "*", ">", "=", "=3D", "ünïcödé", "🚀 launch",
        "tab\tand\nnewline", " ", "\u0000", "a".repeat(Limits.MAX_ACTOR_ID_BYTES),
        "🚀".repeat(Limits.MAX_ACTOR_ID_BYTES / 4));
    for (String actor : actors) {
      store.save(snapshot(actor, 1, Payload.json("{}")));
    }

    for (String actor : actors) {
      assertThat(store.load(actor)).as(actor).get().extracting(Snapshot::actorId)
          .isEqualTo(actor);
    }
  }

  @Test
  public void snapshots_areSeenByAnotherStoreInstanceOfTheNamespace() {
    Snapshot snapshot = snapshot("order-1", 3, Payload.json("{\"v\":3}"));
    store.save(snapshot);
    store.close();

    SnapshotStore other = scope.track(reopen(store));

    assertThat(other.namespace()).isEqualTo(store.namespace());
    assertSameSnapshot(other.load("order-1"), snapshot);
    assertThat(other.save(snapshot("order-1", 2, Payload.json("{}")))).isFalse();
  }

  @Test
  public void close_isIdempotent() {
    store.close();
    store.close();

    assertThat(store.namespace()).isEqualTo(namespace("main"));
  }

  @Test
  public void closedStore_rejectsEveryCallWithIllegalState() {
    store.save(snapshot("order-1", 1, Payload.json("{}")));
    store.close();

    assertClosed(() -> store.save(snapshot("order-1", 2, Payload.json("{}"))));
    assertClosed(() -> store.load("order-1"));
  }

  private static Snapshot snapshot(String actorId, long version, Payload state) {
    return new Snapshot(actorId, version, version, Instant.now(), state);
  }

  private static void assertSameSnapshot(Optional<Snapshot> loaded, Snapshot saved) {
    assertThat(loaded).isPresent();
    Snapshot snapshot = loaded.get();
    assertThat(snapshot.actorId()).isEqualTo(saved.actorId());
    assertThat(snapshot.version()).isEqualTo(saved.version());
    assertThat(snapshot.position()).isEqualTo(saved.position());
    assertThat(snapshot.state()).isEqualTo(saved.state());
    assertThat(snapshot.state().contentType()).isEqualTo(saved.state().contentType());
    assertThat(snapshot.timestamp().truncatedTo(ChronoUnit.MILLIS))
        .isEqualTo(saved.timestamp().truncatedTo(ChronoUnit.MILLIS));
  }
}
