package one.flowmade.aether.verification.testing;

/** NATS subject matching, as the server does it, for checking filters without a server. */
public final class Subjects {

  private Subjects() {}

  /**
   * Returns whether a subject matches a filter: {@code *} matches one token, a trailing {@code >}
   * one or more.
   */
  public static boolean matches(String filter, String subject) {
    String[] f = filter.split("\\.", -1);
    String[] s = subject.split("\\.", -1);
    for (int i = 0; i < f.length; i++) {
      if (f[i].equals(">")) {
        return i == f.length - 1 && s.length > i;
      }
      if (i >= s.length) {
        return false;
      }
      if (!f[i].equals("*") && !f[i].equals(s[i])) {
        return false;
      }
    }
    return f.length == s.length;
  }
}
