package one.flowmade.aether.admin.cli;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.admin.NamespaceResources;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * How to reach and authenticate to the NATS server: one of user and password, a credentials
 * file, or a token. The connection uses the namespace's private inbox prefix, the only inbox its
 * roles may subscribe to, and does not reconnect: a command is short, and a lost connection is
 * reported rather than waited out.
 */
final class ServerOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = {"-s", "--server"}, paramLabel = "URL",
      defaultValue = "${env:NATS_URL:-nats://127.0.0.1:4222}",
      description = "NATS server URL(s), comma-separated (default: $NATS_URL, else"
          + " nats://127.0.0.1:4222).")
  String server;

  @Option(names = "--user", paramLabel = "NAME",
      description = "User name (with --password), e.g. the namespace's provisioning user.")
  String user;

  @Option(names = "--password", paramLabel = "PASSWORD", arity = "0..1", interactive = true,
      description = "Password of --user; without a value it is read from the terminal.")
  char[] password;

  @Option(names = "--creds", paramLabel = "FILE",
      description = "Credentials file (operator/JWT mode, nsc generate creds).")
  Path creds;

  @Option(names = "--token", paramLabel = "TOKEN", description = "Authentication token.")
  char[] token;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
      description = "Connect and request timeout in seconds (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  /** The request timeout; checked when the options are used. */
  Duration timeout() {
    if (timeoutSeconds < 1) {
      throw new ParameterException(spec.commandLine(),
          "--timeout must be at least 1 second, not " + timeoutSeconds);
    }
    return Duration.ofSeconds(timeoutSeconds);
  }

  /**
   * Connects as the given namespace's client. Blocks up to the timeout.
   *
   * @throws ParameterException if the authentication options contradict each other
   * @throws AetherTransientException if the server cannot be reached or refuses the login
   */
  Connection connect(NamespaceResources resources, PrintWriter err, boolean verbose) {
    List<String> given = new ArrayList<>();
    if (user != null || password != null) {
      given.add("--user/--password");
    }
    if (creds != null) {
      given.add("--creds");
    }
    if (token != null) {
      given.add("--token");
    }
    if (given.size() > 1) {
      throw new ParameterException(spec.commandLine(), "give one of --user/--password, --creds"
          + " and --token, not " + String.join(" and ", given));
    }
    if ((user == null) != (password == null)) {
      throw new ParameterException(spec.commandLine(), user == null
          ? "--password needs --user" : "--user needs --password");
    }
    if (creds != null && !Files.isReadable(creds)) {
      throw new ParameterException(spec.commandLine(), "credentials file '" + creds
          + "' does not exist or cannot be read");
    }
    Duration timeout = timeout();
    Options.Builder options = new Options.Builder()
        .servers(server.split(","))
        .connectionTimeout(timeout)
        .noReconnect()
        .inboxPrefix(resources.inboxPrefix())
        .errorListener(new QuietErrors(err, verbose));
    if (user != null) {
      options.userInfo(user.toCharArray(), password);
    } else if (creds != null) {
      options.authHandler(Nats.credentials(creds.toString()));
    } else if (token != null) {
      options.token(token);
    }
    try {
      return Nats.connect(options.build());
    } catch (IOException e) {
      throw new AetherTransientException("cannot connect to " + server + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AetherTransientException("interrupted while connecting to " + server, e);
    }
  }

  /**
   * jnats' default listener logs every asynchronous error through java.util.logging; a command
   * reports its failure once, as its own error line, and shows these only under --verbose.
   */
  private static final class QuietErrors implements ErrorListener {
    private final PrintWriter err;
    private final boolean verbose;

    QuietErrors(PrintWriter err, boolean verbose) {
      this.err = err;
      this.verbose = verbose;
    }

    @Override
    public void errorOccurred(Connection conn, String error) {
      if (verbose) {
        synchronized (err) {
          err.println("aether-admin: server error: " + error);
          err.flush();
        }
      }
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
      if (verbose) {
        synchronized (err) {
          err.println("aether-admin: connection exception: " + exp);
          err.flush();
        }
      }
    }
  }
}
