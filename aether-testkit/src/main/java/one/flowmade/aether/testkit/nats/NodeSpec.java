package one.flowmade.aether.testkit.nats;

import java.nio.file.Path;

/**
 * Where one server lives: its name, its directory (configuration, log, JetStream store) and the
 * host ports chosen for it. A restarted server keeps its spec.
 *
 * @param name the server name
 * @param directory the node's directory
 * @param clientPort the client port on the host
 * @param monitorPort the HTTP monitoring port on the host
 * @param clusterPort the route port on the host, or 0 for a single server
 */
record NodeSpec(String name, Path directory, int clientPort, int monitorPort, int clusterPort) {}
