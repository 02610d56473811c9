package one.flowmade.aether.testkit.nats;

import java.util.Objects;

/**
 * The {@code nats-server} found is older than Aether requires. The message names the binary, the
 * version found, the version required and what would break on the older server.
 */
public final class UnsupportedNatsServerException extends NatsServerException {

  private static final long serialVersionUID = 1L;

  /** The version the refused server reported. */
  private final NatsServerVersion found;

  /** The oldest version Aether accepts. */
  private final NatsServerVersion required;

  /**
   * Creates the exception.
   *
   * @param source where the server came from (a binary's path or a Docker image)
   * @param found the version the server reported
   * @param required the oldest version Aether accepts
   */
  public UnsupportedNatsServerException(
      String source, NatsServerVersion found, NatsServerVersion required) {
    super(
        "nats-server "
            + found
            + " ("
            + source
            + ") is too old: Aether requires nats-server "
            + required.major()
            + "."
            + required.minor()
            + " or newer: on older servers atomic batch publish (multi-event appends, 2.12) and "
            + "per-message TTL with limit markers (leases and membership, 2.11) do not work. "
            + "Run scripts/install-nats-server.sh or set nats_server_path to a newer binary.");
    this.found = Objects.requireNonNull(found, "found");
    this.required = required;
  }

  /**
   * Returns the version the refused server reported.
   *
   * @return the version found
   */
  public NatsServerVersion found() {
    return found;
  }

  /**
   * Returns the oldest version Aether accepts.
   *
   * @return the version required
   */
  public NatsServerVersion required() {
    return required;
  }
}
