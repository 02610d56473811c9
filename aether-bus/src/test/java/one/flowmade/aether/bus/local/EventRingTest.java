package one.flowmade.aether.bus.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Payload;
import one.flowmade.aether.bus.BusEvent;
import org.junit.jupiter.api.Test;

final class EventRingTest {

  private static final Namespace NS = Namespace.of("ring");

  private static BusEvent event(String actorId) {
    return BusEvent.of(NS, actorId, "T", Payload.empty());
  }

  @Test
  void capacity_isExactEvenWhenNotAPowerOfTwo() {
    EventRing ring = new EventRing(3);

    assertThat(ring.offer(event("1"))).isEqualTo(EventRing.OK);
    assertThat(ring.offer(event("2"))).isEqualTo(EventRing.OK);
    assertThat(ring.offer(event("3"))).isEqualTo(EventRing.OK);
    assertThat(ring.offer(event("4"))).isEqualTo(EventRing.FULL);
    assertThat(ring.size()).isEqualTo(3);
    assertThat(ring.poll().actorId()).isEqualTo("1");
    assertThat(ring.offer(event("5"))).isEqualTo(EventRing.OK);
  }

  @Test
  void pollReturnsEventsInOfferOrder_thenNull() {
    EventRing ring = new EventRing(8);
    for (int i = 0; i < 20; i++) {
      ring.offer(event("e" + i));
      assertThat(ring.poll().actorId()).isEqualTo("e" + i);
    }

    assertThat(ring.poll()).isNull();
    assertThat(ring.isEmpty()).isTrue();
  }

  @Test
  void closedRing_refusesOffers_butKeepsWhatItHolds() {
    EventRing ring = new EventRing(4);
    ring.offer(event("kept"));

    ring.close();
    ring.close();

    assertThat(ring.isClosed()).isTrue();
    assertThat(ring.offer(event("late"))).isEqualTo(EventRing.CLOSED);
    assertThat(ring.poll().actorId()).isEqualTo("kept");
    assertThat(ring.poll()).isNull();
  }

  @Test
  void invalidCapacity_isRejected() {
    assertThatThrownBy(() -> new EventRing(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentProducers_loseNothing_andKeepEachProducersOrder() throws Exception {
    int producers = 4;
    int perProducer = 50_000;
    BusEvent[][] events = new BusEvent[producers][perProducer];
    for (int p = 0; p < producers; p++) {
      for (int i = 0; i < perProducer; i++) {
        events[p][i] = event(p + ":" + i);
      }
    }
    EventRing ring = new EventRing(100);
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      BusEvent[] mine = events[p];
      Thread t = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (BusEvent e : mine) {
          while (ring.offer(e) != EventRing.OK) {
            Thread.yield();
          }
        }
      });
      t.start();
      threads.add(t);
    }
    int[] next = new int[producers];
    start.countDown();
    int received = 0;
    while (received < producers * perProducer) {
      BusEvent e = ring.poll();
      if (e == null) {
        Thread.yield();
        continue;
      }
      int p = e.actorId().charAt(0) - '0';
      if (e != events[p][next[p]]) {
        throw new AssertionError("producer " + p + ": expected event " + next[p] + ", got "
            + e.actorId());
      }
      next[p]++;
      received++;
    }
    for (Thread t : threads) {
      t.join();
    }

    assertThat(next).containsOnly(perProducer);
    assertThat(ring.poll()).isNull();
  }
}
