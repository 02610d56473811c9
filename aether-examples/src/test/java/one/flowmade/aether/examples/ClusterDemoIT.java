package one.flowmade.aether.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import one.flowmade.aether.examples.cluster.ClusterDemo;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.Test;

/** The multi-process bank demo on a real nats-server: three node processes, one stopped. */
final class ClusterDemoIT {

  private static final Pattern OWNER = Pattern.compile("^   (\\S+) +-> (node-\\d)$");
  private static final Pattern MOVED =
      Pattern.compile("^   (\\S+) +was node-3, now: (.*) \\(\\d+ ms\\)$");

  @Test
  void accountsRunOnAllThreeNodes_andAStoppedNodesAccountsRunOnTheOthers() {
    String output;
    try (NatsServer nats = NatsServer.start()) {
      output = ReadmeQuickStartTest.capture(() -> {
        try {
          ClusterDemo.main(new String[] {"--nats", nats.url()});
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
    }
    List<String> lines = output.lines().collect(Collectors.toList());
    int stop = lines.indexOf("== stopping node-3 (SIGTERM): it releases its shards and leaves");
    assertThat(stop).as(output).isPositive();

    List<String> ownersBefore = lines.subList(0, stop).stream().map(OWNER::matcher)
        .filter(Matcher::matches).map(m -> m.group(2)).collect(Collectors.toList());
    assertThat(ownersBefore).as(output).hasSize(20)
        .contains("node-1", "node-2", "node-3");

    List<String> moved = lines.stream().map(MOVED::matcher).filter(Matcher::matches)
        .map(m -> m.group(2)).collect(Collectors.toList());
    assertThat(moved).as(output).hasSize((int) ownersBefore.stream()
        .filter("node-3"::equals).count())
        .allMatch(reply -> reply.matches("APPLIED on node-[12], version 2"));

    int everyone = lines.indexOf("== everyone now:");
    List<String> ownersAfter = lines.subList(everyone, lines.size()).stream().map(OWNER::matcher)
        .filter(Matcher::matches).map(m -> m.group(2)).collect(Collectors.toList());
    assertThat(ownersAfter).as(output).hasSize(20).doesNotContain("node-3");
  }
}
