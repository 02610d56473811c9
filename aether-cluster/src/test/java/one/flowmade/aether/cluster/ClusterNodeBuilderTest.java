package one.flowmade.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Connection;
import java.lang.reflect.Proxy;
import java.time.Duration;
import one.flowmade.aether.cluster.internal.Settings;
import org.junit.jupiter.api.Test;

final class ClusterNodeBuilderTest {

  @Test
  void names_areCheckedAtOnce() {
    assertThatThrownBy(() -> ClusterNode.builder().clusterName("Orders"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lower-case");
    assertThatThrownBy(() -> ClusterNode.builder().clusterName("a.b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClusterNode.builder().clusterName(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClusterNode.builder().nodeId("a b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClusterNode.builder().nodeId("n".repeat(65)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ClusterNode.builder().nodeId("host-1.example_A")).isNotNull();
  }

  @Test
  void properties_canBeSetOnlyOnce() {
    ClusterNode.Builder builder = ClusterNode.builder().clusterName("c").shardCount(8);
    assertThatThrownBy(() -> builder.clusterName("d")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already set");
    assertThatThrownBy(() -> builder.shardCount(16)).isInstanceOf(IllegalStateException.class);
    builder.shutdownHook(false);
    assertThatThrownBy(() -> builder.shutdownHook(true)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("shutdownHook was already set to false");
  }

  @Test
  void ttls_mustBeWholeSeconds() {
    assertThatThrownBy(() -> ClusterNode.builder().membershipTtl(Duration.ofMillis(1500)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole number");
    assertThatThrownBy(() -> ClusterNode.builder().leaderLeaseTtl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClusterNode.builder().heartbeatInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void settings_requireTheConnectionClusterAndNode() {
    assertThatThrownBy(() -> ClusterNode.builder().settings())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("connection");
    assertThatThrownBy(() -> ClusterNode.builder().connection(connection()).settings())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("clusterName");
  }

  @Test
  void settings_requireLeasesRenewableTwiceBeforeTheMargin() {
    ClusterNode.Builder builder = complete().membershipTtl(Duration.ofSeconds(5))
        .heartbeatInterval(Duration.ofSeconds(2)).safetyMargin(Duration.ofSeconds(2));
    assertThatThrownBy(builder::settings).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("renewable twice");
  }

  @Test
  void settings_haveDocumentedDefaults() {
    Settings settings = complete().settings();
    assertThat(settings.shardCount()).isEqualTo(1024);
    assertThat(settings.membershipTtl()).isEqualTo(Duration.ofSeconds(15));
    assertThat(settings.heartbeatInterval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(settings.leaderLeaseTtl()).isEqualTo(Duration.ofSeconds(15));
    assertThat(settings.leaderRenewInterval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(settings.safetyMargin()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.operationTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.replicas()).isEqualTo(1);
  }

  private static ClusterNode.Builder complete() {
    return ClusterNode.builder().connection(connection()).clusterName("c").nodeId("n");
  }

  private static Connection connection() {
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          throw new UnsupportedOperationException(method.getName());
        });
  }
}
