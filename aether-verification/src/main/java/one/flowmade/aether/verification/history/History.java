package one.flowmade.aether.verification.history;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a verification run recorded, ready to be checked: operations, subscription
 * deliveries, leader terms, shard tenures, the number of shards, the moment by which every shard
 * must be owned again, and the final state read back from the store.
 *
 * <p>Immutable and thread-safe. Build it with {@link #builder()}.
 *
 * @param appends every logical append
 * @param reads every read
 * @param deliveries every subscription delivery
 * @param terms every leader term
 * @param tenures every shard tenure
 * @param shardCount the number of shards, 0 when the run had no cluster
 * @param ownershipDeadline when every shard must be owned again (after the faults stopped), or
 *     null for no such check
 * @param finalState what the store held at the end
 */
public record History(
    List<AppendOp> appends,
    List<ReadOp> reads,
    List<Delivery> deliveries,
    List<LeaderTerm> terms,
    List<ShardTenure> tenures,
    int shardCount,
    Moment ownershipDeadline,
    FinalState finalState) {

  /**
   * Copies the lists and checks that the history is well formed.
   *
   * @throws IllegalArgumentException if two appends claim the same event id or the shard count is
   *     negative
   */
  public History {
    appends = List.copyOf(appends);
    reads = List.copyOf(reads);
    deliveries = List.copyOf(deliveries);
    terms = List.copyOf(terms);
    tenures = List.copyOf(tenures);
    Objects.requireNonNull(finalState, "finalState");
    if (shardCount < 0) {
      throw new IllegalArgumentException("shardCount must not be negative, was " + shardCount);
    }
    Map<String, String> owners = new HashMap<>();
    for (AppendOp op : appends) {
      for (String eventId : op.eventIds()) {
        String other = owners.putIfAbsent(eventId, op.id());
        if (other != null) {
          throw new IllegalArgumentException("event id " + eventId + " is claimed by appends "
              + other + " and " + op.id() + "; a logical append and its retries are one entry");
        }
      }
    }
  }

  /**
   * Returns a new builder of an empty history.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns every recorded entry.
   *
   * @return appends, reads, deliveries, terms and tenures
   */
  public List<HistoryEntry> entries() {
    List<HistoryEntry> all = new ArrayList<>();
    all.addAll(appends);
    all.addAll(reads);
    all.addAll(deliveries);
    all.addAll(terms);
    all.addAll(tenures);
    return all;
  }

  /**
   * Returns the earliest moment of the history, the origin for printing relative times.
   *
   * @return the first entry's start, or the ownership deadline, or the clock's zero
   */
  public Moment origin() {
    Optional<Moment> first = entries().stream().map(HistoryEntry::start).min(Moment::compareTo);
    return first.orElse(ownershipDeadline != null ? ownershipDeadline : Moment.ofNanos(0));
  }

  /**
   * Builds a {@link History}. An entry added under an id already present replaces the earlier
   * one, as in a process's log. Not thread-safe.
   */
  public static final class Builder {
    private final Map<String, HistoryEntry> entries = new LinkedHashMap<>();
    private int shardCount;
    private Moment ownershipDeadline;
    private FinalState finalState = FinalState.empty();

    private Builder() {}

    /**
     * Adds an entry, replacing one with the same id.
     *
     * @param entry the entry
     * @return this builder
     */
    public Builder add(HistoryEntry entry) {
      Objects.requireNonNull(entry, "entry");
      entries.remove(entry.id());
      entries.put(entry.id(), entry);
      return this;
    }

    /**
     * Adds entries in order, each replacing one with the same id.
     *
     * @param more the entries
     * @return this builder
     */
    public Builder addAll(Collection<? extends HistoryEntry> more) {
      more.forEach(this::add);
      return this;
    }

    /**
     * Sets the number of shards.
     *
     * @param count the number of shards
     * @return this builder
     */
    public Builder shardCount(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("shardCount must not be negative, was " + count);
      }
      this.shardCount = count;
      return this;
    }

    /**
     * Sets when every shard must be owned again.
     *
     * @param deadline the moment
     * @return this builder
     */
    public Builder ownershipDeadline(Moment deadline) {
      this.ownershipDeadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /**
     * Sets the state read back at the end.
     *
     * @param state the final state
     * @return this builder
     */
    public Builder finalState(FinalState state) {
      this.finalState = Objects.requireNonNull(state, "state");
      return this;
    }

    /**
     * Builds the history.
     *
     * @return the history
     * @throws IllegalArgumentException if it is not well formed
     */
    public History build() {
      List<AppendOp> appends = new ArrayList<>();
      List<ReadOp> reads = new ArrayList<>();
      List<Delivery> deliveries = new ArrayList<>();
      List<LeaderTerm> terms = new ArrayList<>();
      List<ShardTenure> tenures = new ArrayList<>();
      for (HistoryEntry entry : entries.values()) {
        if (entry instanceof AppendOp op) {
          appends.add(op);
        } else if (entry instanceof ReadOp op) {
          reads.add(op);
        } else if (entry instanceof Delivery d) {
          deliveries.add(d);
        } else if (entry instanceof LeaderTerm t) {
          terms.add(t);
        } else if (entry instanceof ShardTenure t) {
          tenures.add(t);
        }
      }
      return new History(appends, reads, deliveries, terms, tenures, shardCount,
          ownershipDeadline, finalState);
    }
  }
}
