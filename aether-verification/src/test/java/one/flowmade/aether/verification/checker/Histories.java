package one.flowmade.aether.verification.checker;

import java.util.List;
import one.flowmade.aether.verification.history.AppendOp;
import one.flowmade.aether.verification.history.Delivery;
import one.flowmade.aether.verification.history.LeaderTerm;
import one.flowmade.aether.verification.history.Moment;
import one.flowmade.aether.verification.history.ReadOp;
import one.flowmade.aether.verification.history.ShardTenure;
import one.flowmade.aether.verification.history.StoredEvent;

/** Short-hands for hand-made histories; times are milliseconds. */
final class Histories {

  private Histories() {}

  static Moment ms(long millis) {
    return Moment.ofMillis(millis);
  }

  static AppendOp ok(String id, String process, String actor, long expected, long invoked,
      long completed, long firstVersion, String... eventIds) {
    return AppendOp.invoke(id, process, actor, expected, List.of(eventIds), ms(invoked))
        .ok(ms(completed), firstVersion, firstVersion + eventIds.length - 1);
  }

  static AppendOp conflict(String id, String process, String actor, long expected, long invoked,
      long completed, long actual, String... eventIds) {
    return AppendOp.invoke(id, process, actor, expected, List.of(eventIds), ms(invoked))
        .conflict(ms(completed), actual, "VersionConflictException");
  }

  static AppendOp failed(String id, String process, String actor, long expected, long invoked,
      long completed, String... eventIds) {
    return AppendOp.invoke(id, process, actor, expected, List.of(eventIds), ms(invoked))
        .failed(ms(completed), "StoreUnavailableException");
  }

  static AppendOp unknown(String id, String process, String actor, long expected, long invoked,
      Long completed, String... eventIds) {
    AppendOp op = AppendOp.invoke(id, process, actor, expected, List.of(eventIds), ms(invoked));
    return completed == null ? op : op.unknown(ms(completed), "AppendOutcomeUnknownException");
  }

  static ReadOp read(String id, String process, String actor, long invoked, long completed,
      String... eventIds) {
    return ReadOp.invoke(id, process, actor, ms(invoked)).ok(ms(completed), List.of(eventIds));
  }

  static StoredEvent stored(String actor, long version, String eventId, long position) {
    return new StoredEvent(actor, version, eventId, position);
  }

  static StoredEvent written(String actor, long version, String eventId, long position,
      String writer, long epoch) {
    return new StoredEvent(actor, version, eventId, position, writer, epoch);
  }

  static Delivery delivery(String process, String subscription, int n, long at,
      StoredEvent event) {
    return new Delivery(process + "/" + subscription + "/" + n, process, subscription, ms(at),
        event.position(), event.actorId(), event.version(), event.eventId());
  }

  static LeaderTerm term(String process, long token, long start, long end) {
    return new LeaderTerm(LeaderTerm.idOf(process, token), process, token, ms(start), ms(end));
  }

  static ShardTenure tenure(String process, int shard, long epoch, long start, long end,
      ShardTenure.Status status) {
    return new ShardTenure(process + "/shard/" + shard + "/" + start, process, shard, epoch,
        ms(start), ms(end), status);
  }
}
