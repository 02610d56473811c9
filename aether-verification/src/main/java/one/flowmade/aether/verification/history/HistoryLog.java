package one.flowmade.aether.verification.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A process's history as a file of JSON lines, one {@link HistoryEntry} per line.
 *
 * <p>{@link #open(Path)} appends to the file and flushes each line to the operating system as it
 * is written, so a process killed with SIGKILL loses at most the line it was writing; {@link
 * #read(Path)} skips such a torn last line. Writing is thread-safe; {@link #close()} is idempotent.
 */
public final class HistoryLog implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final ObjectWriter WRITER = JSON.writerFor(HistoryEntry.class);

  private final Path file;
  private final BufferedWriter out;
  private boolean closed;

  private HistoryLog(Path file, BufferedWriter out) {
    this.file = file;
    this.out = out;
  }

  /**
   * Opens a log for appending, creating the file if needed.
   *
   * @param file the file
   * @return the open log
   * @throws UncheckedIOException if the file cannot be opened
   */
  public static HistoryLog open(Path file) {
    Objects.requireNonNull(file, "file");
    try {
      return new HistoryLog(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open history log " + file, e);
    }
  }

  /**
   * Writes an entry as one line and flushes it.
   *
   * @param entry the entry
   * @throws IllegalStateException if the log is closed
   * @throws UncheckedIOException if the line cannot be written
   */
  public synchronized void write(HistoryEntry entry) {
    if (closed) {
      throw new IllegalStateException("history log " + file + " is closed");
    }
    try {
      out.write(WRITER.writeValueAsString(entry));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to history log " + file, e);
    }
  }

  /**
   * Reads a log written by {@link #open(Path)}, in the order written. A last line that does not
   * parse (torn by a kill) is skipped; any other line that does not parse is an error.
   *
   * @param file the file
   * @return the entries, later versions of an entry after earlier ones
   * @throws UncheckedIOException if the file cannot be read or a line other than the last does not
   *     parse
   */
  public static List<HistoryEntry> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read history log " + file, e);
    }
    List<HistoryEntry> entries = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      try {
        entries.add(JSON.readValue(line, HistoryEntry.class));
      } catch (JsonProcessingException e) {
        if (i == lines.size() - 1) {
          break;
        }
        throw new UncheckedIOException("line " + (i + 1) + " of " + file + " does not parse", e);
      }
    }
    return entries;
  }

  /**
   * Converts an entry to its JSON line, without the newline.
   *
   * @param entry the entry
   * @return the JSON text
   */
  public static String toJson(HistoryEntry entry) {
    try {
      return WRITER.writeValueAsString(entry);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + entry + " as JSON", e);
    }
  }

  /** Flushes and closes the file. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close history log " + file, e);
    }
  }
}
