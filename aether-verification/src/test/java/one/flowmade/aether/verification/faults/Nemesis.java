package one.flowmade.aether.verification.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import one.flowmade.aether.testkit.nats.NatsCluster;
import one.flowmade.aether.testkit.nats.NatsNode;
import one.flowmade.aether.verification.history.Moment;

/**
 * Injects random faults, one at a time, chosen by a seeded random generator: SIGKILL and restart
 * of a NATS server or an Aether node, SIGSTOP and SIGCONT of either. Each round injects every
 * kind once, in random order, so even a short run sees them all. Not thread-safe.
 */
final class Nemesis {

  enum Fault { KILL_NATS, PAUSE_NATS, KILL_AETHER, PAUSE_AETHER }

  /** One injected fault, for the report. */
  record Injected(Fault fault, String target, Moment start, Moment end) {
    String describe(Moment origin) {
      return start.relativeTo(origin) + " .. " + end.relativeTo(origin) + "  " + fault + " "
          + target;
    }
  }

  private final Random random;
  private final NatsCluster nats;
  private final List<AetherProcess> aether;
  private final IntFunction<AetherProcess> restart;
  private final List<Injected> injected = new ArrayList<>();
  private final List<Fault> round = new ArrayList<>();
  private int aetherPauses;

  /**
   * @param seed the seed
   * @param nats the NATS cluster
   * @param aether the Aether processes, by node index; replaced on restart
   * @param restart starts the next incarnation of the node at an index
   */
  Nemesis(long seed, NatsCluster nats, List<AetherProcess> aether,
      IntFunction<AetherProcess> restart) {
    this.random = new Random(seed);
    this.nats = nats;
    this.aether = aether;
    this.restart = restart;
  }

  List<Injected> injected() {
    return injected;
  }

  /** Injects faults until the deadline (monotonic nanos), healing each before the next. */
  void run(long deadlineNanos) throws InterruptedException {
    while (System.nanoTime() - deadlineNanos < 0) {
      hold(Duration.ofMillis(1500 + random.nextInt(3000)));
      if (System.nanoTime() - deadlineNanos >= 0) {
        break;
      }
      if (round.isEmpty()) {
        Collections.addAll(round, Fault.values());
        Collections.shuffle(round, random);
      }
      inject(round.remove(0));
    }
  }

  private void inject(Fault fault) throws InterruptedException {
    Moment start = Moment.now();
    String target;
    switch (fault) {
      case KILL_NATS -> {
        NatsNode node = nats.node(1 + random.nextInt(nats.size()));
        target = node.name();
        node.kill();
        hold(Duration.ofMillis(1000 + random.nextInt(5000)));
        node.restart();
      }
      case PAUSE_NATS -> {
        NatsNode node = nats.node(1 + random.nextInt(nats.size()));
        target = node.name();
        node.pause();
        hold(Duration.ofMillis(1000 + random.nextInt(5000)));
        node.resume();
      }
      case KILL_AETHER -> {
        int index = random.nextInt(aether.size());
        AetherProcess victim = aether.get(index);
        target = victim.label();
        victim.kill();
        hold(Duration.ofMillis(500 + random.nextInt(2500)));
        aether.set(index, restart.apply(index));
      }
      case PAUSE_AETHER -> {
        AetherProcess victim = aether.get(random.nextInt(aether.size()));
        target = victim.label();
        victim.pause();
        // Every second pause is longer than the membership TTL (6 s): the node loses its
        // shards and leadership while it sleeps, and wakes up believing it still has them.
        hold(Duration.ofMillis(++aetherPauses % 2 == 1 ? 7000 + random.nextInt(2500)
            : 1000 + random.nextInt(5000)));
        victim.resume();
      }
      default -> throw new IllegalStateException("unknown fault " + fault);
    }
    injected.add(new Injected(fault, target, start, Moment.now()));
  }

  /** Lets a fault last, or the system run between faults: pacing, not synchronisation. */
  private static void hold(Duration duration) throws InterruptedException {
    TimeUnit.NANOSECONDS.sleep(duration.toNanos());
  }
}
