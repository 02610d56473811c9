package one.flowmade.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import one.flowmade.aether.cluster.internal.lease.Lease;
import org.junit.jupiter.api.Test;

final class LeaseTest {

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void aLease_isValidUntilItsDeadline() {
    long now = System.nanoTime();
    assertThat(new Lease(now, SECOND).isValid()).isTrue();
    Lease expired = new Lease(now - 2 * SECOND, SECOND);
    assertThat(expired.isValid()).isFalse();
    assertThat(expired.endedAt()).isEqualTo(now - SECOND);
  }

  @Test
  void extend_movesTheDeadlineFromTheSendTime() {
    long now = System.nanoTime();
    Lease lease = new Lease(now - SECOND / 2, SECOND);
    assertThat(lease.extend(now)).isTrue();
    assertThat(lease.deadline()).isEqualTo(now + SECOND);
    assertThat(lease.extend(now - SECOND)).isTrue();
    assertThat(lease.deadline()).as("never moves back").isEqualTo(now + SECOND);
  }

  @Test
  void anEndedLease_isNeverRevived() {
    long now = System.nanoTime();
    Lease lease = new Lease(now - 2 * SECOND, SECOND);
    assertThat(lease.extend(now)).isFalse();
    assertThat(lease.isValid()).isFalse();
    Lease revoked = new Lease(now, SECOND);
    revoked.revoke();
    assertThat(revoked.isValid()).isFalse();
    assertThat(revoked.extend(System.nanoTime())).isFalse();
    assertThat(revoked.endedAt()).isBetween(now, System.nanoTime());
    assertThat(revoked.remainingNanos()).isZero();
  }
}
