package one.flowmade.aether.benchmarks.cluster;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.MessageTtl;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StorageType;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The baseline of leader failover: the least a raw-jnats program needs for a leader lease on a
 * KV bucket with per-key TTLs. Each candidate tries {@code create(key, ttl)}; the winner renews
 * with a publish carrying {@code Nats-TTL} and the expected sequence every renewal interval; the
 * others watch the key and try again when the server reports it deleted or purged (the limit
 * marker of an expired key). No fencing checks, no safety margin, no membership.
 */
final class RawLease implements AutoCloseable {

  private static final String KEY = "leader";

  private final KeyValue kv;
  private final JetStream js;
  private final String bucket;
  private final String node;
  private final Timings timings;
  private final Runnable onElected;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "raw-lease");
    t.setDaemon(true);
    return t;
  });
  private volatile long revision;
  private volatile boolean leader;

  private RawLease(Connection nc, String bucket, String node, Timings timings,
      Runnable onElected) throws Exception {
    this.bucket = bucket;
    this.node = node;
    this.timings = timings;
    this.onElected = onElected;
    KeyValueManagement kvm = nc.keyValueManagement();
    try {
      kvm.create(KeyValueConfiguration.builder().name(bucket).maxHistoryPerKey(1)
          .storageType(StorageType.File).replicas(3).limitMarker(Duration.ofSeconds(1))
          .build());
    } catch (JetStreamApiException e) {
      // Another candidate created it first.
    }
    this.kv = nc.keyValue(bucket);
    this.js = nc.jetStream();
  }

  static RawLease start(Connection nc, String cluster, String node, Timings timings,
      Runnable onElected) throws Exception {
    RawLease lease = new RawLease(nc, "raw-lease-" + cluster, node, timings, onElected);
    lease.kv.watch(KEY, new KeyValueWatcher() {
      @Override
      public void watch(KeyValueEntry entry) {
        if (entry.getOperation() != KeyValueOperation.PUT) {
          lease.timer.execute(lease::campaign);
        }
      }

      @Override
      public void endOfData() {
        lease.timer.execute(lease::campaign);
      }
    }, KeyValueWatchOption.UPDATES_ONLY);
    return lease;
  }

  private void campaign() {
    if (leader) {
      return;
    }
    try {
      revision = kv.create(KEY, node.getBytes(StandardCharsets.UTF_8),
          MessageTtl.seconds((int) timings.leaseTtl().toSeconds()));
      leader = true;
      onElected.run();
      long every = timings.renew().toMillis();
      timer.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // Someone else holds the lease.
    }
  }

  private void renew() {
    try {
      Headers h = new Headers();
      h.put("Nats-TTL", timings.leaseTtl().toSeconds() + "s");
      h.put("Nats-Expected-Last-Subject-Sequence", Long.toString(revision));
      revision = js.publish(NatsMessage.builder().subject("$KV." + bucket + "." + KEY)
          .headers(h).data(node.getBytes(StandardCharsets.UTF_8)).build()).getSeqno();
    } catch (Exception e) {
      leader = false;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
