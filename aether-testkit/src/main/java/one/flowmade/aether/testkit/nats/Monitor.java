package one.flowmade.aether.testkit.nats;

import io.nats.client.support.JsonParseException;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/** Reads a server's HTTP monitoring endpoint ({@code /healthz}, {@code /routez}). */
final class Monitor {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private Monitor() {}

  /**
   * Asks {@code /healthz}, which answers 200 once JetStream is enabled, in contact with its meta
   * leader and every stream and consumer on the server is current.
   *
   * @param monitorUrl the server's monitoring URL
   * @return empty if healthy, otherwise why not
   */
  static Optional<String> unhealthyReason(String monitorUrl) {
    try {
      Response r = get(monitorUrl + "/healthz");
      if (r.status() == 200) {
        return Optional.empty();
      }
      return Optional.of("/healthz answered " + r.status() + ": " + r.body().strip());
    } catch (IOException e) {
      return Optional.of("/healthz failed: " + e);
    }
  }

  /**
   * Returns the names of the servers this server has routes to.
   *
   * @param monitorUrl the server's monitoring URL
   * @return the remote server names
   * @throws IOException if the server does not answer or the answer cannot be read
   */
  static Set<String> routedServerNames(String monitorUrl) throws IOException {
    Response r = get(monitorUrl + "/routez");
    if (r.status() != 200) {
      throw new IOException("/routez answered " + r.status() + ": " + r.body().strip());
    }
    Set<String> names = new LinkedHashSet<>();
    try {
      JsonValue routes = JsonParser.parse(r.body()).map.get("routes");
      if (routes != null && routes.array != null) {
        for (JsonValue route : routes.array) {
          JsonValue name = route.map == null ? null : route.map.get("remote_name");
          if (name != null && name.string != null) {
            names.add(name.string);
          }
        }
      }
    } catch (JsonParseException e) {
      throw new IOException("/routez answered something that is not JSON: " + r.body(), e);
    }
    return names;
  }

  private static Response get(String url) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    c.setConnectTimeout((int) TIMEOUT.toMillis());
    c.setReadTimeout((int) TIMEOUT.toMillis());
    c.setUseCaches(false);
    try {
      int status = c.getResponseCode();
      try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
        String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new Response(status, body);
      }
    } finally {
      c.disconnect();
    }
  }

  private record Response(int status, String body) {}
}
