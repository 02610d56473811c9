package one.flowmade.aether.examples.cluster;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import one.flowmade.aether.admin.NamespaceResources;
import one.flowmade.aether.cluster.ClusterRouter;
import one.flowmade.aether.cluster.ShardUnavailableException;
import one.flowmade.aether.cluster.actor.ActorClient;
import one.flowmade.aether.cluster.actor.CommandOutcome;
import one.flowmade.aether.examples.bank.AccountCommand;
import one.flowmade.aether.examples.bank.AccountEvent;
import one.flowmade.aether.examples.bank.BankNode;

/**
 * The multi-process cluster demo, the bank as hosted actors: starts three {@link ClusterNodeMain}
 * processes, opens 20 accounts and shows which node runs each account's commands, stops one node,
 * and shows its accounts' next deposits run by their new owners. Every command has a command id,
 * so the demo can send it again safely: the "who runs whom" rounds resend the accounts' opening
 * command, which is answered "already applied" by the current owner and appends nothing.
 *
 * <pre>
 * # with a nats-server you run yourself (2.12 or newer, JetStream on):
 * nats-server -js &amp;
 * mvn -q -pl aether-examples exec:java \
 *     -Dexec.mainClass=one.flowmade.aether.examples.cluster.ClusterDemo
 *
 * # or let the demo start a throw-away nats-server from a binary:
 * mvn -q -pl aether-examples exec:java \
 *     -Dexec.mainClass=one.flowmade.aether.examples.cluster.ClusterDemo \
 *     -Dexec.args="--nats-server .cache/nats-server/sid/root/usr/sbin/nats-server"
 *
 * # add --crash to kill the node with SIGKILL instead of stopping it gracefully
 * </pre>
 */
public final class ClusterDemo {

  private static final List<String> ACTORS = List.of("alice", "bob", "carol", "dave", "erin",
      "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert",
      "sybil", "trent", "victor", "walter", "zoe");

  private final List<Process> processes = new ArrayList<>();
  private Path natsStore;

  private ClusterDemo() {}

  /**
   * Runs the demo.
   *
   * @param args {@code --nats <url>} or {@code --nats-server <binary>}, optionally {@code
   *     --crash} and {@code --cluster <name>}
   * @throws Exception if something goes wrong
   */
  public static void main(String[] args) throws Exception {
    new ClusterDemo().run(DemoArgs.parse(args));
  }

  private void run(Map<String, String> options) throws Exception {
    String cluster = options.getOrDefault("cluster", "demo-" + ProcessHandle.current().pid());
    boolean crash = options.containsKey("crash");
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "demo-cleanup"));
    String url = options.containsKey("nats-server")
        ? startNatsServer(Path.of(options.get("nats-server")))
        : options.getOrDefault("nats", "nats://127.0.0.1:4222");
    System.out.println("== NATS at " + url + ", cluster " + cluster);

    Map<String, Process> nodes = new LinkedHashMap<>();
    for (String node : List.of("node-1", "node-2", "node-3")) {
      nodes.put(node, startNode(node, url, cluster));
    }

    Connection nats = Nats.connect(new Options.Builder().server(url)
        .inboxPrefix(NamespaceResources.of(BankNode.BANK).inboxPrefix()).build());
    try {
      ActorClient bank = ActorClient.of(routerFor(nats, cluster));
      System.out.println("== opening 20 accounts; waiting until all three nodes own shards");
      Map<String, String> before = owners(bank);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (new TreeSet<>(before.values()).size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(500);
        before = owners(bank);
      }
      System.out.println("== which node runs each account's commands:");
      before.forEach((actor, node) -> System.out.printf("   %-8s -> %s%n", actor, node));

      String victim = "node-3";
      Process process = nodes.remove(victim);
      if (crash) {
        System.out.println("== killing " + victim + " (SIGKILL): its shards move once its"
            + " membership expires");
        process.destroyForcibly();
      } else {
        System.out.println("== stopping " + victim + " (SIGTERM): it releases its shards and"
            + " leaves");
        process.destroy();
      }
      process.waitFor();

      System.out.println("== a deposit to each account " + victim + " had:");
      for (Map.Entry<String, String> entry : before.entrySet()) {
        if (!entry.getValue().equals(victim)) {
          continue;
        }
        long started = System.nanoTime();
        String reply = deposit(bank, entry.getKey(), Duration.ofSeconds(30));
        System.out.printf("   %-8s was %s, now: %s (%d ms)%n", entry.getKey(), victim, reply,
            (System.nanoTime() - started) / 1_000_000);
      }
      System.out.println("== everyone now:");
      owners(bank).forEach((actor, node) -> System.out.printf("   %-8s -> %s%n", actor, node));
    } finally {
      nats.close();
      stopAll();
    }
  }

  private static ClusterRouter routerFor(Connection nats, String cluster)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return ClusterRouter.builder().connection(nats).clusterName(cluster)
            .requestTimeout(Duration.ofSeconds(20)).build();
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  /** Sends every account its opening command again: the current owner answers. */
  private static Map<String, String> owners(ActorClient bank) {
    Map<String, String> owners = new LinkedHashMap<>();
    for (String actor : ACTORS) {
      try {
        owners.put(actor, bank.send(BankNode.ACCOUNT, actor, new AccountCommand.Open(actor),
            "open-" + actor, Duration.ofSeconds(20)).node());
      } catch (ShardUnavailableException e) {
        owners.put(actor, "(no answer)");
      }
    }
    return owners;
  }

  private static String deposit(ActorClient bank, String actor, Duration timeout) {
    try {
      CommandOutcome<AccountEvent> outcome = bank.send(BankNode.ACCOUNT, actor,
          new AccountCommand.Deposit(100), "after-failover-" + actor, timeout);
      return outcome.status() + " on " + outcome.node() + ", version " + outcome.version();
    } catch (ShardUnavailableException e) {
      return "(no answer: " + e.getMessage() + ")";
    }
  }

  private Process startNode(String node, String url, String cluster) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = List.of(java, "-cp", classpath(),
        ClusterNodeMain.class.getName(), "--node", node, "--nats", url, "--cluster", cluster);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    processes.add(process);
    echo(process, "[" + node + "] ");
    return process;
  }

  private String startNatsServer(Path binary) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path store = Files.createTempDirectory("aether-demo-nats-");
    natsStore = store;
    Process server = new ProcessBuilder(binary.toString(), "-js", "-a", "127.0.0.1",
        "-p", Integer.toString(port), "-sd", store.toString())
        .redirectErrorStream(true).start();
    processes.add(server);
    echo(server, "[nats-server] ");
    String url = "nats://127.0.0.1:" + port;
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        Connection probe = Nats.connect(new Options.Builder().server(url).build());
        try {
          probe.jetStreamManagement().getAccountStatistics();
          return url;
        } finally {
          probe.close();
        }
      } catch (IOException | RuntimeException | JetStreamApiException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("nats-server did not start at " + url, e);
        }
        Thread.sleep(200);
      }
    }
  }

  private static void echo(Process process, String prefix) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (!prefix.startsWith("[nats") || line.contains("[ERR]")) {
            System.out.println(prefix + line);
          }
        }
      } catch (IOException e) {
        // The process ended and its output was closed.
      }
    }, "demo-echo-" + prefix.trim());
    thread.setDaemon(true);
    thread.start();
  }

  private synchronized void stopAll() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process process = processes.get(i);
      if (process.isAlive()) {
        process.destroy();
        try {
          process.waitFor();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    processes.clear();
    if (natsStore != null) {
      try (Stream<Path> files = Files.walk(natsStore)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        System.out.println("could not delete " + natsStore + ": " + e.getMessage());
      }
      natsStore = null;
    }
  }

  /** The class path of this program, also when it runs inside Maven ({@code exec:java}). */
  private static String classpath() {
    ClassLoader loader = ClusterDemo.class.getClassLoader();
    if (loader instanceof URLClassLoader urls && urls.getURLs().length > 0) {
      List<String> entries = new ArrayList<>();
      for (URL entry : urls.getURLs()) {
        try {
          entries.add(new File(entry.toURI()).getPath());
        } catch (URISyntaxException e) {
          entries.add(entry.getPath());
        }
      }
      return String.join(File.pathSeparator, entries);
    }
    return System.getProperty("java.class.path");
  }
}
