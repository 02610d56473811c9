package one.flowmade.aether.verification.workload;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import one.flowmade.aether.cluster.Leadership;
import one.flowmade.aether.cluster.LeadershipListener;
import one.flowmade.aether.cluster.ReleaseReason;
import one.flowmade.aether.cluster.ShardListener;
import one.flowmade.aether.verification.history.HistoryLog;
import one.flowmade.aether.verification.history.LeaderTerm;
import one.flowmade.aether.verification.history.Moment;
import one.flowmade.aether.verification.history.ShardTenure;

/**
 * Records a node's leader terms and shard tenures as it observes them: a term or tenure lasts
 * from its callback to the last moment {@link #confirm()} found it still valid, each moment taken
 * before the check, so the recorded interval is one during which the node really held it.
 *
 * <p>Thread-safe: callbacks come on the node's event thread, confirmations on the recorder's.
 */
final class ClusterRecorder implements LeadershipListener, ShardListener {

  private final String process;
  private final HistoryLog log;
  private final AtomicInteger acquisitions = new AtomicInteger();
  private final Map<Integer, Tenure> open = new ConcurrentHashMap<>();
  private volatile IntPredicate owns = shard -> false;
  private volatile Term term;

  /** A tenure being observed: the entry so far, and whether the node confirmed it at all. */
  private static final class Tenure {
    volatile ShardTenure entry;
    volatile boolean confirmed;

    Tenure(ShardTenure entry) {
      this.entry = entry;
    }
  }

  /** A term being observed. */
  private static final class Term {
    final Leadership leadership;
    volatile LeaderTerm entry;

    Term(Leadership leadership, LeaderTerm entry) {
      this.leadership = leadership;
      this.entry = entry;
    }
  }

  ClusterRecorder(String process, HistoryLog log) {
    this.process = process;
    this.log = log;
  }

  /** Sets how to ask the node whether it owns a shard now, once the node exists. */
  void ownership(IntPredicate owns) {
    this.owns = owns;
  }

  /**
   * Returns the epoch in which this node acquired a shard it holds now, or -1 if it holds none.
   *
   * @param shard the shard
   * @return the epoch, or -1
   */
  long epochOf(int shard) {
    Tenure tenure = open.get(shard);
    return tenure == null ? -1 : tenure.entry.epoch();
  }

  @Override
  public void elected(Leadership leadership) {
    Moment now = Moment.now();
    if (!leadership.isValid()) {
      return;
    }
    LeaderTerm entry = new LeaderTerm(LeaderTerm.idOf(process, leadership.fencingToken()),
        process, leadership.fencingToken(), now, now);
    term = new Term(leadership, entry);
    log.write(entry);
  }

  @Override
  public void revoked(Leadership leadership) {
    Term current = term;
    if (current != null && current.leadership == leadership) {
      term = null;
    }
  }

  @Override
  public void acquired(int shard, long epoch) {
    Moment now = Moment.now();
    String id = process + "/shard/" + shard + "/" + acquisitions.incrementAndGet();
    open.put(shard, new Tenure(new ShardTenure(id, process, shard, epoch, now, now,
        ShardTenure.Status.OPEN)));
  }

  @Override
  public void released(int shard, long epoch, ReleaseReason reason) {
    Tenure tenure = open.remove(shard);
    if (tenure == null || !tenure.confirmed) {
      return;
    }
    ShardTenure.Status status = reason == ReleaseReason.MEMBERSHIP_LOST
        ? ShardTenure.Status.LOST : ShardTenure.Status.RELEASED;
    tenure.entry = tenure.entry.withEnd(tenure.entry.end(), status);
    log.write(tenure.entry);
  }

  /**
   * Confirms the current term and the open tenures: each still valid now is extended to a moment
   * taken just before the check, and written.
   */
  void confirm() {
    Term current = term;
    if (current != null) {
      Moment now = Moment.now();
      if (current.leadership.isValid()) {
        current.entry = new LeaderTerm(current.entry.id(), process, current.entry.token(),
            current.entry.start(), now);
        log.write(current.entry);
      }
    }
    for (Map.Entry<Integer, Tenure> e : open.entrySet()) {
      Moment now = Moment.now();
      Tenure tenure = e.getValue();
      if (owns.test(e.getKey()) && open.get(e.getKey()) == tenure) {
        tenure.confirmed = true;
        tenure.entry = tenure.entry.withEnd(now, ShardTenure.Status.OPEN);
        log.write(tenure.entry);
      }
    }
  }
}
