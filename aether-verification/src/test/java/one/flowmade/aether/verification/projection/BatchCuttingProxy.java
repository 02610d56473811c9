package one.flowmade.aether.verification.projection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy between one NATS client and a nats-server that reads the client's protocol operation
 * by operation and, once {@linkplain #arm() armed}, closes both sockets in place of forwarding the
 * first message that commits an atomic batch ({@code Nats-Batch-Commit} in its headers): the
 * server has received the batch's earlier messages and never gets its commit, as when the client
 * process dies between two messages of a batch. Each cut happens once per arming.
 */
final class BatchCuttingProxy implements AutoCloseable {
  private static final byte[] COMMIT = "Nats-Batch-Commit".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SEQUENCE = "Nats-Batch-Sequence".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket listener;
  private final int serverPort;
  private final AtomicBoolean armed = new AtomicBoolean();
  private final AtomicInteger stagedBeforeCut = new AtomicInteger();
  private final CountDownLatch cut = new CountDownLatch(1);
  private final List<Socket> sockets = new ArrayList<>();
  private final Thread acceptor;

  BatchCuttingProxy(int serverPort) throws IOException {
    this.serverPort = serverPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "batch-cutting-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The client's URL. */
  String url() {
    return "nats://127.0.0.1:" + listener.getLocalPort();
  }

  /** Cuts the connection at the next batch commit. */
  void arm() {
    stagedBeforeCut.set(0);
    armed.set(true);
  }

  /** Waits until a connection was cut; returns whether it was. */
  boolean awaitCut(long seconds) throws InterruptedException {
    return cut.await(seconds, TimeUnit.SECONDS);
  }

  /** How many batch messages the server received after arming, before the cut. */
  int stagedBeforeCut() {
    return stagedBeforeCut.get();
  }

  private void accept() {
    try {
      while (!listener.isClosed()) {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort);
        synchronized (sockets) {
          sockets.add(client);
          sockets.add(server);
        }
        start(() -> copy(server, client), "proxy-server-to-client");
        start(() -> forwardClient(client, server), "proxy-client-to-server");
      }
    } catch (IOException closed) {
      // the proxy is closing
    }
  }

  private static void start(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  private static void copy(Socket from, Socket to) {
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException closed) {
      // either side went away
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  /** Forwards the client's operations one at a time, cutting at an armed batch commit. */
  private void forwardClient(Socket client, Socket server) {
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = client.getInputStream(); OutputStream out = server.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        pending.write(buffer, 0, n);
        byte[] data = pending.toByteArray();
        int start = 0;
        while (true) {
          int end = operationEnd(data, start);
          if (end < 0) {
            break;
          }
          byte[] op = Arrays.copyOfRange(data, start, end);
          if (armed.get() && indexOf(op, COMMIT) >= 0) {
            armed.set(false);
            out.flush();
            cut.countDown();
            closeQuietly(client);
            closeQuietly(server);
            return;
          }
          if (armed.get() && indexOf(op, SEQUENCE) >= 0) {
            stagedBeforeCut.incrementAndGet();
          }
          out.write(op);
          start = end;
        }
        out.flush();
        pending.reset();
        pending.write(data, start, data.length - start);
      }
    } catch (IOException closed) {
      // either side went away
    } finally {
      closeQuietly(client);
      closeQuietly(server);
    }
  }

  /** Returns where the operation starting at {@code start} ends, or -1 if it is incomplete. */
  private static int operationEnd(byte[] data, int start) {
    int lineEnd = -1;
    for (int i = start; i + 1 < data.length; i++) {
      if (data[i] == '\r' && data[i + 1] == '\n') {
        lineEnd = i;
        break;
      }
    }
    if (lineEnd < 0) {
      return -1;
    }
    String line = new String(data, start, lineEnd - start, StandardCharsets.US_ASCII);
    String[] f = line.trim().split(" +");
    int payload = -1;
    String verb = f[0].toUpperCase(java.util.Locale.ROOT);
    if (verb.equals("PUB") || verb.equals("HPUB")) {
      payload = Integer.parseInt(f[f.length - 1]);
    }
    int end = lineEnd + 2;
    if (payload >= 0) {
      end += payload + 2;
    }
    return end <= data.length ? end : -1;
  }

  private static int indexOf(byte[] data, byte[] what) {
    outer:
    for (int i = 0; i + what.length <= data.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (data[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    synchronized (sockets) {
      for (Socket s : sockets) {
        closeQuietly(s);
      }
    }
  }
}
