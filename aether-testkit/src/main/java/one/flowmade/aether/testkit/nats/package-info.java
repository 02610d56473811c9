/**
 * Real {@code nats-server} processes for tests: a single JetStream server ({@link
 * one.flowmade.aether.testkit.nats.NatsServer}), a JetStream cluster ({@link
 * one.flowmade.aether.testkit.nats.NatsCluster}) whose nodes ({@link
 * one.flowmade.aether.testkit.nats.NatsNode}) can be killed with SIGKILL, paused, resumed and
 * restarted, and the JUnit 5 extension {@link
 * one.flowmade.aether.testkit.nats.NatsServerExtension} that starts them around a test class.
 *
 * <p>The {@code nats-server} binary is found in this order: the {@code nats_server_path}
 * environment variable, {@code nats-server} on {@code PATH}, the {@code
 * aether_nats_server_default} environment variable (set by the Aether build to the binary that
 * {@code scripts/install-nats-server.sh} unpacks), and finally, when a Docker daemon answers, the
 * {@code nats} image through Testcontainers. Servers older than {@link
 * one.flowmade.aether.testkit.nats.NatsServerVersion#REQUIRED} are refused with {@link
 * one.flowmade.aether.testkit.nats.UnsupportedNatsServerException}.
 *
 * <p>Every server listens on free loopback ports chosen at start, keeps its configuration, log and
 * JetStream store in a temporary directory, and is stopped, with its directory deleted, by {@code
 * close()} or, if a test run dies before closing it, by a JVM shutdown hook.
 *
 * <p>Parameters are not null unless their documentation allows it ("or null"); a null where none
 * is allowed is a programming error and throws {@link java.lang.NullPointerException} (at once
 * and naming the parameter, where the method checks its arguments): fix the call. Each
 * method's {@code @throws} clauses name the other exceptions it can throw and what the caller
 * should do.
 */
package one.flowmade.aether.testkit.nats;
