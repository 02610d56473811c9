package one.flowmade.aether.testkit.nats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops what the test kit started if the JVM exits before it was closed: one shutdown hook,
 * registered on first use, kills every tracked server, then closes every other tracked resource,
 * then deletes every tracked directory. It cannot help when the JVM itself is killed with SIGKILL.
 *
 * <p>Thread-safe.
 */
final class Reaper {

  private static final Logger LOG = LoggerFactory.getLogger(Reaper.class);

  private static final Set<ServerRuntime> SERVERS = ConcurrentHashMap.newKeySet();
  private static final Set<AutoCloseable> RESOURCES = ConcurrentHashMap.newKeySet();
  private static final Set<Path> DIRECTORIES = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Reaper::reap, "aether-nats-reaper"));
  }

  private Reaper() {}

  static void track(ServerRuntime server) {
    SERVERS.add(server);
  }

  static void untrack(ServerRuntime server) {
    SERVERS.remove(server);
  }

  static void track(AutoCloseable resource) {
    RESOURCES.add(resource);
  }

  static void untrack(AutoCloseable resource) {
    RESOURCES.remove(resource);
  }

  /**
   * Creates a temporary directory that is deleted at JVM exit unless {@link #delete(Path)} deletes
   * it first.
   *
   * @param prefix the start of the directory's name
   * @return the new directory
   * @throws UncheckedIOException if it cannot be created
   */
  static Path createDirectory(String prefix) {
    try {
      Path directory = Files.createTempDirectory(prefix);
      DIRECTORIES.add(directory);
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a temporary directory", e);
    }
  }

  /**
   * Deletes a directory after a failed start, adding a deletion failure to the start's failure.
   *
   * @param directory the directory
   * @param failure the failure being thrown
   */
  static void deleteAfterFailure(Path directory, RuntimeException failure) {
    try {
      delete(directory);
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Deletes a directory tree and stops tracking it.
   *
   * @param directory the directory; nothing happens if it does not exist
   * @throws UncheckedIOException if it cannot be deleted
   */
  static void delete(Path directory) {
    try {
      deleteTree(directory);
    } catch (DirectoryNotEmptyException e) {
      // A process that was just killed may have had a write in flight; one more pass suffices.
      try {
        deleteTree(directory);
      } catch (IOException again) {
        throw new UncheckedIOException("could not delete " + directory, again);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + directory, e);
    }
    DIRECTORIES.remove(directory);
  }

  private static void deleteTree(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    Files.walkFileTree(
        directory,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
              throw e;
            }
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void reap() {
    for (ServerRuntime server : SERVERS) {
      try {
        server.close();
      } catch (RuntimeException e) {
        LOG.warn("could not stop {} at JVM exit", server, e);
      }
    }
    for (AutoCloseable resource : RESOURCES) {
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("could not close {} at JVM exit", resource, e);
      }
    }
    for (Path directory : DIRECTORIES) {
      try {
        delete(directory);
      } catch (RuntimeException e) {
        LOG.warn("could not delete {} at JVM exit", directory, e);
      }
    }
  }
}
