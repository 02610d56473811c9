package one.flowmade.aether.examples.bank;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import one.flowmade.aether.nats.TokenEncoding;
import one.flowmade.aether.projection.KvCheckpointStore;
import one.flowmade.aether.projection.ProjectionContext;

/**
 * Balances in a NATS KV bucket, one key per account, value {@code "<balance cents>
 * <position>"}: needs no database. With a {@link KvCheckpointStore} delivery is at least once (a
 * crash between this write and the checkpoint's replays the event), so each write records the
 * position of the event it applied, and an event at or below that position is ignored: applied
 * once in effect. Writes are compare-and-set on the key's revision. Thread-safe.
 */
public final class KvBalances implements Balances {

  /** The JetStream error of a stream (here: a bucket) that does not exist. */
  private static final int STREAM_NOT_FOUND = 10059;

  private final KeyValue bucket;

  /**
   * Opens the bucket, creating it if it does not exist. It asks for this bucket only: listing
   * bucket names needs a right ({@code $JS.API.STREAM.NAMES}) that the generated application role
   * does not have. Under the application role the bucket must exist: declare it with {@code
   * NamespaceResources.withBucket} and create it as the namespace's provisioning user, by opening
   * it once with this constructor on that user's connection.
   *
   * @param nats an open connection; not closed by this object
   * @param bucketName the bucket, such as {@link BankReadModels#BALANCES_BUCKET}
   * @throws IOException if NATS cannot be reached
   * @throws JetStreamApiException if the server refuses the bucket
   */
  public KvBalances(Connection nats, String bucketName) throws IOException, JetStreamApiException {
    KeyValueManagement kvm = nats.keyValueManagement();
    try {
      kvm.getStatus(bucketName);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
        throw e;
      }
      kvm.create(KeyValueConfiguration.builder().name(bucketName)
          .maxHistoryPerKey(1).storageType(StorageType.File).build());
    }
    this.bucket = nats.keyValue(bucketName);
  }

  @Override
  public void add(String accountId, long deltaCents, ProjectionContext context)
      throws IOException, JetStreamApiException {
    String key = TokenEncoding.encode(accountId); // any account id becomes a valid key
    KeyValueEntry entry = bucket.get(key);
    long balance = 0;
    if (entry != null && entry.getValue() != null) {
      String[] value = new String(entry.getValue(), StandardCharsets.UTF_8).split(" ");
      if (Long.parseLong(value[1]) >= context.position()) {
        return; // redelivered: this event is in the balance already
      }
      balance = Long.parseLong(value[0]);
    }
    byte[] next = ((balance + deltaCents) + " " + context.position())
        .getBytes(StandardCharsets.UTF_8);
    if (entry == null) {
      bucket.create(key, next);
    } else {
      bucket.update(key, next, entry.getRevision());
    }
  }

  @Override
  public Map<String, Long> all() {
    Map<String, Long> balances = new TreeMap<>();
    try {
      for (String key : bucket.keys()) {
        KeyValueEntry entry = bucket.get(key);
        if (entry != null && entry.getValue() != null) {
          String value = new String(entry.getValue(), StandardCharsets.UTF_8);
          balances.put(TokenEncoding.decode(key),
              Long.parseLong(value.substring(0, value.indexOf(' '))));
        }
      }
    } catch (IOException | JetStreamApiException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("could not read the balances bucket: " + e.getMessage(), e);
    }
    return balances;
  }
}
