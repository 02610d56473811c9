package one.flowmade.aether.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import one.flowmade.aether.cluster.internal.lease.Lease;

/**
 * One term of leadership held by this node: who leads, since when, and the fencing token of the
 * term.
 *
 * <p>The fencing token is the revision (stream sequence) at which the leader lease key was
 * created for this term. Revisions only grow within the cluster's bucket, so a later term always
 * has a larger token than an earlier one. Pass it with every write a leader makes to another
 * system and have that system reject tokens smaller than the largest it has seen: then a leader
 * that was paused and wakes up after its term ended cannot overwrite its successor's work.
 *
 * <p>{@link #isValid()} answers on this node's monotonic clock: the term ends when the lease
 * could not be renewed in time ({@code send time of the last successful renewal + lease ttl -
 * safety margin}), when the node finds the lease taken, or when it resigns. A term never becomes
 * valid again once it has ended; a node that wins again gets a new term with a larger token.
 *
 * <p>Immutable apart from its validity, and thread-safe.
 */
public final class Leadership {

  private final String leaderId;
  private final long fencingToken;
  private final Instant acquiredAt;
  private final Lease lease;

  Leadership(String leaderId, long fencingToken, Instant acquiredAt, Lease lease) {
    this.leaderId = Objects.requireNonNull(leaderId, "leaderId");
    this.fencingToken = fencingToken;
    this.acquiredAt = Objects.requireNonNull(acquiredAt, "acquiredAt");
    this.lease = Objects.requireNonNull(lease, "lease");
  }

  /**
   * Returns the id of the node that holds this term (this node).
   *
   * @return the leader's node id
   */
  public String leaderId() {
    return leaderId;
  }

  /**
   * Returns the fencing token of this term: larger than the token of every earlier term of the
   * cluster.
   *
   * @return the token, positive
   */
  public long fencingToken() {
    return fencingToken;
  }

  /**
   * Returns when this term started, on this node's wall clock.
   *
   * @return the start of the term
   */
  public Instant acquiredAt() {
    return acquiredAt;
  }

  /**
   * Returns whether this node still holds this term now. Non-blocking; reads the monotonic clock.
   *
   * @return true until the term ends; false forever after
   */
  public boolean isValid() {
    return lease.isValid();
  }

  /**
   * Returns how long this term lasts at least, unless it is renewed before, on this node's clock.
   * Work that must finish within the term should finish within this time.
   *
   * @return the time left, zero once the term has ended
   */
  public Duration remaining() {
    return Duration.ofNanos(lease.remainingNanos());
  }

  Lease lease() {
    return lease;
  }

  @Override
  public String toString() {
    return "Leadership[" + leaderId + ", token " + fencingToken + ", since " + acquiredAt
        + (isValid() ? "" : ", ended") + "]";
  }
}
