package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import one.flowmade.aether.EventStream;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reads leave no JetStream consumers behind. Reads of more than 32 events used to walk the actor
 * with an ordered consumer each, and under load those consumers were left behind until the server
 * refused more (JetStream error 10026, maximum consumers reached). On a stream with {@code
 * allow_direct} (every stream the store creates) reads of up to {@link
 * ActorCursor#CONSUMER_THRESHOLD} events use batched direct gets only: after many concurrent
 * reads, streamed reads and folds of actors of 40 to 500 events, the stream has no consumer, and
 * had none at any moment sampled during the load. Longer reads read the rest with a short-lived
 * consumer each, deleted when the read ends: after concurrent reads, folds and streams closed
 * early of a 3,000-event actor, none is left.
 */
final class ReadConsumersIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  @Test
  void repeatedLongReadsUnderLoad_leaveNoConsumerBehind() throws Exception {
    Namespace namespace = Namespace.of("consumers" + System.nanoTime() % 1_000_000);
    String stream = SubjectLayout.streamName(namespace);
    int[] lengths = {40, 33, 120, 500};
    try (Connection nc = NATS.server().connect();
        JetStreamEventStore store = JetStreamEventStore.builder(nc, namespace).build()) {
      for (int a = 0; a < lengths.length; a++) {
        List<NewEvent> events = new ArrayList<>();
        for (int i = 0; i < lengths[a]; i++) {
          events.add(NewEvent.of("Tick", Payload.json("{\"i\":" + i + "}")));
        }
        for (int from = 0; from < events.size(); from += 100) {
          store.append("actor-" + a, ExpectedVersion.exactly(from),
              events.subList(from, Math.min(events.size(), from + 100)));
        }
      }
      JetStreamManagement jsm = nc.jetStreamManagement();
      assertThat(jsm.getStreamInfo(stream).getConfiguration().getAllowDirect())
          .as("the store's own stream allows direct gets").isTrue();
      AtomicLong maxSeen = new AtomicLong();
      ExecutorService readers = Executors.newFixedThreadPool(8);
      try {
        List<Future<Long>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int thread = t;
          done.add(readers.submit(() -> {
            long read = 0;
            for (int round = 0; round < 60; round++) {
              int a = (thread + round) % lengths.length;
              String actor = "actor-" + a;
              switch (round % 3) {
                case 0 -> read += store.read(actor, 1).events().size();
                case 1 -> read += store.fold(actor, 1, 0L, (n, e) -> n + 1);
                default -> read += store.read(actor, 2, 1000, 0).events().size();
              }
              if (round % 10 == 0) {
                maxSeen.accumulateAndGet(consumers(jsm, stream), Math::max);
              }
            }
            return read;
          }));
        }
        long total = 0;
        for (Future<Long> f : done) {
          total += f.get();
        }
        assertThat(total).as("events read").isGreaterThan(8L * 60 * 30);
      } finally {
        readers.shutdownNow();
      }
      assertThat(maxSeen.get()).as("consumers seen during the load").isZero();
      assertThat(consumers(jsm, stream)).as("consumers after the load").isZero();
      assertThat(jsm.getConsumerNames(stream)).isEmpty();
    }
  }

  @Test
  void repeatedReadsOfALongActor_underLoad_leaveNoConsumerBehind() throws Exception {
    Namespace namespace = Namespace.of("longconsumers" + System.nanoTime() % 1_000_000);
    String stream = SubjectLayout.streamName(namespace);
    try (Connection nc = NATS.server().connect();
        JetStreamEventStore store = JetStreamEventStore.builder(nc, namespace).build()) {
      LongActorReadIT.write(store, "long", 1, 3_000);
      JetStreamManagement jsm = nc.jetStreamManagement();
      AtomicLong maxSeen = new AtomicLong();
      ExecutorService readers = Executors.newFixedThreadPool(4);
      try {
        List<Future<Long>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int thread = t;
          done.add(readers.submit(() -> {
            long read = 0;
            for (int round = 0; round < 9; round++) {
              switch ((thread + round) % 3) {
                case 0 -> read += store.read("long", 1).events().size();
                case 1 -> read += store.fold("long", 1, 0L, (n, e) -> n + 1);
                default -> {
                  try (EventStream events = store.readStream("long", 1)) {
                    for (int i = 0; i < 700 && events.hasNext(); i++) {
                      events.next();
                      read++;
                    }
                  }
                }
              }
              maxSeen.accumulateAndGet(consumers(jsm, stream), Math::max);
            }
            return read;
          }));
        }
        long total = 0;
        for (Future<Long> f : done) {
          total += f.get();
        }
        assertThat(total).as("events read").isEqualTo(4L * 3 * (3_000 + 3_000 + 700));
      } finally {
        readers.shutdownNow();
      }
      assertThat(maxSeen.get())
          .as("consumers seen between reads (per reader: its read's, while being deleted, and"
              + " another reader's open one)")
          .isLessThanOrEqualTo(8L);
      LongActorReadIT.assertNoConsumer(jsm, stream);
    }
  }

  private static long consumers(JetStreamManagement jsm, String stream) {
    try {
      return jsm.getStreamInfo(stream).getStreamState().getConsumerCount();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
