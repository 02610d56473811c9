package one.flowmade.aether.benchmarks.nats;

import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.PublishAck;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Raw-jnats reading: what a hand-written program does to read a stream. Stateless. */
public final class Raw {

  private static final Duration STALL = Duration.ofSeconds(10);

  /** How often a raw publish was refused as "wrong last sequence" and sent again. */
  static final AtomicLong RETRIES = new AtomicLong();

  private static final int MAX_ATTEMPTS = 100;

  private Raw() {}

  /**
   * Whether the server refused a publish as "wrong last sequence" (10071, or 10164 which a
   * replicated stream also answers while an earlier write to the subject is still being applied,
   * even when the expectation is right).
   */
  static boolean isWrongLastSequence(Throwable failure) {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    while (t != null && !(t instanceof JetStreamApiException)) {
      t = t.getCause();
    }
    return t instanceof JetStreamApiException e
        && (e.getApiErrorCode() == 10071 || e.getApiErrorCode() == 10164);
  }

  /**
   * Publishes asynchronously; on "wrong last sequence" sends the same message again after 1 ms,
   * as a raw program on an R3 stream must (with a single writer per actor the expectation is
   * right, and the message id keeps a repeat from being stored twice).
   *
   * @param js the JetStream context
   * @param message the message, with its expected-sequence headers
   * @return the future of the ack
   */
  public static CompletableFuture<PublishAck> publishAsync(JetStream js,
      io.nats.client.Message message) {
    return publishAsync(js, message, 1);
  }

  private static CompletableFuture<PublishAck> publishAsync(JetStream js,
      io.nats.client.Message message, int attempt) {
    return js.publishAsync(message).handle((ack, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(ack);
      }
      if (attempt < MAX_ATTEMPTS && isWrongLastSequence(failure)) {
        RETRIES.incrementAndGet();
        return CompletableFuture.supplyAsync(() -> null,
                CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS))
            .thenCompose(x -> publishAsync(js, message, attempt + 1));
      }
      return CompletableFuture.<PublishAck>failedFuture(failure);
    }).thenCompose(f -> f);
  }

  /**
   * Publishes and waits, sending again on "wrong last sequence" as {@link #publishAsync} does.
   *
   * @param js the JetStream context
   * @param message the message, with its expected-sequence headers
   * @return the ack
   * @throws Exception if the publish failed otherwise, or kept being refused
   */
  public static PublishAck publish(JetStream js, io.nats.client.Message message)
      throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return js.publish(message);
      } catch (JetStreamApiException e) {
        if (attempt >= MAX_ATTEMPTS || !isWrongLastSequence(e)) {
          throw e;
        }
        RETRIES.incrementAndGet();
        Thread.sleep(1);
      }
    }
  }

  /**
   * Reads {@code count} messages on a filter from a sequence with an ordered push consumer (flow
   * control and heartbeats, no acks): the fastest way jnats offers to read a stream in order.
   *
   * @return the number of payload bytes read, so the reads cannot be optimised away
   */
  public static long readOrdered(JetStream js, String filter, long fromSequence, int count)
      throws Exception {
    JetStreamSubscription sub = js.subscribe(filter, PushSubscribeOptions.builder()
        .ordered(true)
        .configuration(ConsumerConfiguration.builder()
            .deliverPolicy(DeliverPolicy.ByStartSequence)
            .startSequence(Math.max(1, fromSequence))
            .build())
        .build());
    long bytes = 0;
    try {
      for (int i = 0; i < count; i++) {
        Message m = sub.nextMessage(STALL);
        if (m == null) {
          throw new IllegalStateException("the raw ordered consumer on '" + filter
              + "' delivered " + i + " of " + count + " messages, then nothing for " + STALL);
        }
        bytes += m.getData().length;
      }
    } finally {
      sub.unsubscribe();
    }
    return bytes;
  }
}
