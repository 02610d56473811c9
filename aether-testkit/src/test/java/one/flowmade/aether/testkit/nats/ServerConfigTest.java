package one.flowmade.aether.testkit.nats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

final class ServerConfigTest {

  @Test
  void render_singleServer_hasJetStreamAndNoClusterBlock() {
    String text =
        new ServerConfig("n1", "127.0.0.1", 4222, 8222, "/tmp/x y/store", null, "").render();

    assertThat(text)
        .contains("server_name: \"n1\"")
        .contains("listen: \"127.0.0.1:4222\"")
        .contains("http: \"127.0.0.1:8222\"")
        .contains("store_dir: \"/tmp/x y/store\"")
        .doesNotContain("cluster")
        .doesNotContain("sync_interval");
  }

  @Test
  void render_syncAlways_setsTheSyncIntervalInsideTheJetStreamBlock() {
    String text =
        new ServerConfig("n1", "127.0.0.1", 4222, 8222, "/s", null, "", true).render();

    assertThat(text)
        .containsSubsequence("jetstream {\n", "  store_dir: \"/s\"\n",
            "  sync_interval: always\n", "}\n");
  }

  @Test
  void render_clusterNode_routesToItsPeersAndAppendsTheTestsConfig() {
    ServerConfig.Cluster cluster =
        new ServerConfig.Cluster(
            "aether",
            "127.0.0.1",
            6222,
            List.of("nats-route://127.0.0.1:6223", "nats-route://127.0.0.1:6224"),
            false);

    String text =
        new ServerConfig("n1", "127.0.0.1", 4222, 8222, "/s", cluster, "max_payload: 2MB\n")
            .render();

    assertThat(text)
        .contains("name: \"aether\"")
        .contains("listen: \"127.0.0.1:6222\"")
        .contains("\"nats-route://127.0.0.1:6223\"")
        .contains("\"nats-route://127.0.0.1:6224\"")
        .doesNotContain("no_advertise")
        .endsWith("max_payload: 2MB\n");
  }

  @Test
  void render_escapesQuotesAndBackslashes() {
    String text = new ServerConfig("n1", "h", 1, 2, "C:\\data\\\"s\"", null, "").render();

    assertThat(text).contains("store_dir: \"C:\\\\data\\\\\\\"s\\\"\"");
  }
}
