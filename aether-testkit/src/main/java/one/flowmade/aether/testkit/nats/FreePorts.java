package one.flowmade.aether.testkit.nats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks free loopback ports by binding port 0 and closing the socket. Another process may take a
 * port before the server binds it; callers detect that (the server logs "address already in use")
 * and start again with new ports.
 */
final class FreePorts {

  private FreePorts() {}

  /**
   * Returns distinct ports that were free a moment ago.
   *
   * @param count how many
   * @return the ports
   */
  static int[] allocate(int count) {
    List<ServerSocket> sockets = new ArrayList<>(count);
    try {
      // All sockets stay open until every port is known, so the ports are distinct.
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(socket);
      }
      return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } catch (IOException e) {
      throw new UncheckedIOException("could not find free loopback ports", e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // Closing a listening socket that accepted nothing does not fail in practice.
        }
      }
    }
  }
}
