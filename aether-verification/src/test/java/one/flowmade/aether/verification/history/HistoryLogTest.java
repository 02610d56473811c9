package one.flowmade.aether.verification.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class HistoryLogTest {

  @TempDir
  Path dir;

  private static final AppendOp INVOKED = AppendOp.invoke("a1#1-1", "a1#1", "actor.with spaces",
      3, List.of("e1", "e2"), Moment.ofMillis(5));

  @Test
  void read_returnsEveryEntryWritten() {
    Path file = dir.resolve("a1.jsonl");
    List<HistoryEntry> written = List.of(
        INVOKED,
        INVOKED.ok(Moment.ofMillis(9), 4, 5),
        ReadOp.invoke("a1#1-2", "a1#1", "x", Moment.ofMillis(1)).ok(Moment.ofMillis(2),
            List.of("e0")),
        new Delivery("a1#1/all/1", "a1#1", "all", Moment.ofMillis(3), 7, "x", 1, "e0"),
        new LeaderTerm(LeaderTerm.idOf("a1#1", 4), "a1#1", 4, Moment.ofMillis(1),
            Moment.ofMillis(8)),
        new ShardTenure("a1#1/shard/2/1", "a1#1", 2, 6, Moment.ofMillis(1), Moment.ofMillis(2),
            ShardTenure.Status.LOST));

    try (HistoryLog log = HistoryLog.open(file)) {
      written.forEach(log::write);
    }

    assertThat(HistoryLog.read(file)).containsExactlyElementsOf(written);
  }

  @Test
  void read_tornLastLine_isSkipped() throws IOException {
    Path file = dir.resolve("torn.jsonl");
    try (HistoryLog log = HistoryLog.open(file)) {
      log.write(INVOKED);
    }
    Files.writeString(file, "{\"kind\":\"append\",\"id\":\"a1", StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);

    assertThat(HistoryLog.read(file)).containsExactly(INVOKED);
  }

  @Test
  void read_corruptLineInTheMiddle_fails() throws IOException {
    Path file = dir.resolve("corrupt.jsonl");
    Files.writeString(file, "not json\n" + HistoryLog.toJson(INVOKED) + "\n");

    assertThatThrownBy(() -> HistoryLog.read(file)).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("line 1");
  }

  @Test
  void builder_entryWrittenAgain_replacesTheEarlierOne() {
    AppendOp completed = INVOKED.ok(Moment.ofMillis(9), 4, 5);

    History history = History.builder().add(INVOKED).add(completed).build();

    assertThat(history.appends()).containsExactly(completed);
  }

  @Test
  void write_afterClose_fails() {
    HistoryLog log = HistoryLog.open(dir.resolve("closed.jsonl"));
    log.close();
    log.close();

    assertThatThrownBy(() -> log.write(INVOKED)).isInstanceOf(IllegalStateException.class);
  }
}
