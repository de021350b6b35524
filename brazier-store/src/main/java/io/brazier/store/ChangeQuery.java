package io.brazier.store;

import java.time.Duration;
import java.util.Set;

/**
 * What a reader asks of the change feed: the changes numbered after {@code since}, of {@code types} (empty: of every
 * type), at most {@code count}, oldest first.
 *
 * @param maxWait how long to wait for a first change when there is none yet (zero: answer at once); the answer comes as
 *     soon as one is numbered, by any node
 * @param resources whether each change carries the JSON of the version it wrote
 */
public record ChangeQuery(long since, Set<String> types, int count, Duration maxWait, boolean resources) {

  public ChangeQuery {
    if (since < 0) {
      throw new IllegalArgumentException("since must be 0 or more, not " + since);
    }
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, not " + count);
    }
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative, not " + maxWait);
    }
    types = Set.copyOf(types);
  }

  /** The same query, for the changes after {@code since}. */
  public ChangeQuery resumedAfter(long since) {
    return new ChangeQuery(since, types, count, maxWait, resources);
  }

  /** Every change after {@code since}, at most {@code count}, answered at once, without resources. */
  public static ChangeQuery after(long since, int count) {
    return new ChangeQuery(since, Set.of(), count, Duration.ZERO, false);
  }
}
