package one.flowmade.aether.testkit.nats;

/** Helpers for server log text. */
final class LogText {

  /** The line nats-server logs once it accepts clients. */
  static final String READY = "Server is ready";

  private LogText() {}

  /**
   * Returns the last lines of a text.
   *
   * @param text the text
   * @param lines how many lines at most; must not be negative
   * @return the last lines, without a trailing newline
   */
  static String tail(String text, int lines) {
    if (lines < 0) {
      throw new IllegalArgumentException("lines must not be negative: " + lines);
    }
    int end = text.length();
    while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
      end--;
    }
    int start = end;
    int seen = 0;
    while (start > 0 && seen < lines) {
      start--;
      if (text.charAt(start) == '\n' && ++seen == lines) {
        start++;
        break;
      }
    }
    return lines == 0 ? "" : text.substring(start, end);
  }

  /**
   * Returns a block for an exception message: a heading and the indented last lines of a log.
   *
   * @param name the server's name
   * @param log the server's log
   * @param lines how many lines at most
   * @return the block, starting with a newline
   */
  static String excerpt(String name, String log, int lines) {
    String tail = tail(log, lines);
    if (tail.isEmpty()) {
      return "\n  (" + name + " has logged nothing)";
    }
    return "\n  last lines of " + name + "'s log:\n    " + tail.replace("\n", "\n    ");
  }
}
