package one.flowmade.aether.benchmarks.report;

import java.util.List;
import java.util.Objects;

/**
 * A free-form table of the report, for figures that are not a single Aether/baseline pair (shard
 * balance per cluster size, latency percentiles).
 *
 * <p>Immutable and thread-safe.
 *
 * @param headers the column headers
 * @param rows the rows, each as wide as the headers
 */
public record Table(List<String> headers, List<List<String>> rows) {

  /**
   * Copies and checks the cells.
   *
   * @throws IllegalArgumentException if a row is not as wide as the headers
   */
  public Table {
    headers = List.copyOf(headers);
    rows = rows.stream().map(List::copyOf).toList();
    for (List<String> row : rows) {
      if (row.size() != headers.size()) {
        throw new IllegalArgumentException("row " + row + " has " + row.size()
            + " cells; the table has " + headers.size() + " columns");
      }
    }
    rows.forEach(r -> r.forEach(Objects::requireNonNull));
  }
}
