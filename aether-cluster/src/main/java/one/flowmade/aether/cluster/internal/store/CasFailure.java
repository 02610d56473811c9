package one.flowmade.aether.cluster.internal.store;

import org.jspecify.annotations.Nullable;

/**
 * A compare-and-set write to the cluster's bucket was refused because the key's last revision was
 * not the expected one (JetStream errors 10071 and 10164).
 */
public final class CasFailure extends Exception {

  private static final long serialVersionUID = 1L;

  public CasFailure(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
