package one.flowmade.aether.benchmarks.postgres;

/**
 * The two durability levels at which Aether on JetStream and the PostgreSQL event table are
 * compared, each side configured to promise the same thing when it acknowledges an append.
 */
public enum Durability {
  /**
   * An acknowledged append has reached the server's memory and is written to disk shortly after;
   * a crash of the machine (not of the server process alone) may lose the last moments. JetStream
   * by default (writes go to the operating system at once, {@code fsync} every two minutes);
   * PostgreSQL with {@code synchronous_commit=off} (the WAL writer flushes within three times
   * {@code wal_writer_delay}, 600 ms by default).
   */
  FLUSHED_LATER("JetStream default flush vs PostgreSQL synchronous_commit=off", "off", false),
  /**
   * An acknowledged append is on disk: JetStream with {@code sync_interval: always}, PostgreSQL
   * with {@code synchronous_commit=on} and {@code fsync=on}.
   */
  ON_DISK("JetStream sync_interval: always vs PostgreSQL synchronous_commit=on", "on", true);

  private final String title;
  private final String synchronousCommit;
  private final boolean syncAlways;

  Durability(String title, String synchronousCommit, boolean syncAlways) {
    this.title = title;
    this.synchronousCommit = synchronousCommit;
    this.syncAlways = syncAlways;
  }

  /**
   * Returns the pair's name, as the report's section titles use it.
   *
   * @return the name
   */
  public String title() {
    return title;
  }

  /**
   * Returns the PostgreSQL {@code synchronous_commit} setting of this level.
   *
   * @return {@code on} or {@code off}
   */
  public String synchronousCommit() {
    return synchronousCommit;
  }

  /**
   * Returns whether JetStream runs with {@code sync_interval: always} at this level.
   *
   * @return true for {@link #ON_DISK}
   */
  public boolean syncAlways() {
    return syncAlways;
  }
}
