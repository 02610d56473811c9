package one.flowmade.aether.admin.runtime;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.jetstream.JetStreamSnapshotStore;
import one.flowmade.aether.projection.KvCheckpointStore;

/**
 * Creates a namespace's streams and buckets as its provisioning user, with what exists today:
 * the stores' own setup for the event and snapshot streams, and the cluster and checkpoint
 * buckets in the configuration their components create.
 */
final class Provisioning {

  private Provisioning() {}

  static void provision(Connection admin, Namespace ns) throws Exception {
    JetStreamEventStore.builder(admin, ns).requestTimeout(Duration.ofSeconds(2)).build().close();
    JetStreamSnapshotStore.builder(admin, ns).requestTimeout(Duration.ofSeconds(2)).build()
        .close();
    JetStreamManagement jsm = admin.jetStreamManagement();
    KeyValueConfiguration cluster = KeyValueConfiguration.builder()
        .name("aether-cluster-" + ns.name()).maxHistoryPerKey(1).storageType(StorageType.File)
        .limitMarker(Duration.ofMinutes(10)).build();
    jsm.addStream(StreamConfiguration.builder(cluster.getBackingConfig()).allowDirect(false)
        .build());
    admin.keyValueManagement().create(KeyValueConfiguration.builder()
        .name(KvCheckpointStore.bucketName(ns)).maxHistoryPerKey(1)
        .storageType(StorageType.File).build());
  }
}
