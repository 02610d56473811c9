package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Events the JetStream store wrote, read by an independent CloudEvents decoder: a node script
 * ({@code src/test/js/read-events.mjs}) with the npm packages {@code nats} and {@code cloudevents}
 * (versions pinned by the committed {@code package-lock.json}, installed with {@code npm ci} under
 * {@code target/}). It decodes the headers as the CloudEvents NATS protocol binding says and lets
 * the SDK validate the event; this test checks every attribute and the data.
 */
final class CloudEventsInteropIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private static final Path JS_SOURCES = Path.of("src", "test", "js");
  private static final Path JS_DIR = Path.of("target", "cloudevents-js");

  private static Connection connection;

  @BeforeAll
  static void installReader() throws Exception {
    List<String> node = run(List.of("node", "--version"), Path.of("."), 30);
    Assumptions.assumeTrue(node != null,
        "node is not on the PATH: the CloudEvents interop test needs node 20 or later");
    Files.createDirectories(JS_DIR);
    for (String file : List.of("package.json", "package-lock.json", "read-events.mjs")) {
      Files.copy(JS_SOURCES.resolve(file), JS_DIR.resolve(file),
          StandardCopyOption.REPLACE_EXISTING);
    }
    if (!Files.isDirectory(JS_DIR.resolve("node_modules").resolve("cloudevents"))) {
      List<String> out = run(List.of("npm", "ci", "--no-audit", "--no-fund"), JS_DIR, 300);
      assertThat(out).as("npm ci in " + JS_DIR).isNotNull();
    }
    connection = NATS.connect();
  }

  @AfterAll
  static void disconnect() throws InterruptedException {
    if (connection != null) {
      connection.close();
    }
  }

  @Test
  void theCloudEventsSdk_readsEveryAttributeAndTheDataOfStoredEvents() throws Exception {
    Namespace namespace = Namespace.of("interop" + System.nanoTime() % 1_000_000);
    record Case(String actor, NewEvent event) {}
    List<Case> cases = List.of(
        new Case("order 1", new NewEvent("evt-1", "Order Shipped/v2",
            Instant.parse("2025-01-02T03:04:05.678Z"),
            Metadata.builder().correlationId("corr 1").userId("Zoë 🚀").build(),
            Payload.json("{\"total\":42,\"note\":\"naïve\"}"))),
        new Case("ü-actor 🚀 订单", new NewEvent("evt-2", "100% \"done\" · Zahlung/ü",
            Instant.parse("2025-06-30T23:59:59.123456789Z"),
            Metadata.builder().put("tenant", "a\"b%c d").build(),
            Payload.of(new byte[] {0, 1, (byte) 0xFF, 10, 13}, "application/octet-stream"))),
        new Case("ü-actor 🚀 订单", new NewEvent("evt-3", "Order.Placed",
            Instant.parse("2024-02-29T00:00:00Z"), Metadata.empty(),
            Payload.of("héllo".getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8"))));
    List<AppendResult> results = new ArrayList<>();
    try (JetStreamEventStore store = JetStreamEventStore.builder(connection, namespace).build()) {
      for (Case c : cases) {
        results.add(store.append(c.actor(), ExpectedVersion.any(), c.event()));
      }

      List<String> lines = run(List.of("node", "read-events.mjs", NATS.url(),
          store.streamName()), JS_DIR, 120);

      assertThat(lines).as("output of read-events.mjs").isNotNull().hasSize(cases.size());
      ObjectMapper json = new ObjectMapper();
      for (int i = 0; i < cases.size(); i++) {
        Case c = cases.get(i);
        JsonNode line = json.readTree(lines.get(i));
        JsonNode event = line.get("event");
        assertThat(line.get("seq").asLong()).isEqualTo(results.get(i).lastPosition());
        assertThat(line.get("headers").has("Content-Type")).as("no Content-Type").isFalse();
        assertThat(event.get("specversion").asText()).isEqualTo("1.0");
        assertThat(event.get("id").asText()).isEqualTo(c.event().id());
        assertThat(event.get("source").asText()).isEqualTo("aether/" + namespace.name());
        assertThat(event.get("type").asText()).isEqualTo(c.event().type());
        assertThat(event.get("subject").asText()).isEqualTo(c.actor());
        assertThat(Instant.parse(event.get("time").asText()))
            .isEqualTo(c.event().timestamp().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(event.get("datacontenttype").asText())
            .isEqualTo(c.event().data().contentType());
        assertThat(event.get("aetherversion").asText())
            .isEqualTo(Long.toString(results.get(i).lastVersion()));
        for (Map.Entry<String, String> m : c.event().metadata().asMap().entrySet()) {
          assertThat(event.get(m.getKey())).as("extension " + m.getKey()).isNotNull();
          assertThat(event.get(m.getKey()).asText()).isEqualTo(m.getValue());
        }
        assertThat(Base64.getDecoder().decode(event.get("data_base64").asText()))
            .isEqualTo(c.event().data().toByteArray());
      }
    }
  }

  /** Runs a command; returns its stdout lines, or null if it could not start or failed. */
  private static List<String> run(List<String> command, Path dir, long timeoutSeconds)
      throws InterruptedException {
    Process process;
    Path err;
    try {
      err = Files.createTempFile("interop", ".err");
      process = new ProcessBuilder(command).directory(dir.toFile())
          .redirectError(err.toFile()).start();
    } catch (IOException e) {
      return null;
    }
    try {
      process.getOutputStream().close();
      List<String> lines = new String(process.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8).lines().toList();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s");
      }
      if (process.exitValue() != 0) {
        throw new AssertionError(command + " exited with " + process.exitValue() + ": "
            + Files.readString(err));
      }
      return lines;
    } catch (IOException e) {
      throw new AssertionError(command + " failed: " + e, e);
    } finally {
      try {
        Files.deleteIfExists(err);
      } catch (IOException ignored) {
        // a temp file left behind is harmless
      }
    }
  }
}
