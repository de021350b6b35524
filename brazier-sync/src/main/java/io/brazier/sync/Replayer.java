package io.brazier.sync;

import io.brazier.client.Change;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.target.Batch;
import io.brazier.sync.target.DeadLetter;
import io.brazier.sync.target.Item;
import io.brazier.sync.target.RelationalTarget;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays dead letters, one at a time in the order their changes came, so that each patient's stay in order: each is
 * applied from its resource as it is now (a replay converges on the current state, however late it comes) and
 * deleted in the same transaction; one that fails again stays, with one more attempt and its new error.
 */
final class Replayer {
  private static final Logger log = LoggerFactory.getLogger(Replayer.class);
  private static final int MOST = 100_000;

  private final Supplier<MapSet> maps;
  private final Preparer preparer;
  private final RelationalTarget target;
  private final SyncMetrics metrics;

  Replayer(Supplier<MapSet> maps, Preparer preparer, RelationalTarget target, SyncMetrics metrics) {
    this.maps = maps;
    this.preparer = preparer;
    this.target = target;
    this.metrics = metrics;
  }

  /** Replays every dead letter, or only {@code id}. */
  ReplayResult replay(Long id) throws SQLException {
    int replayed = 0;
    int failed = 0;
    for (DeadLetter letter : target.deadLetters(id, MOST)) {
      try {
        MapSet current = maps.get();
        Item item = preparer.prepare(current, change(letter), letter.partition(), true);
        target.apply(current, new Batch(letter.source(), item == null ? List.of() : List.of(item), true, null,
            List.of(), List.of(letter.id()), null));
        replayed++;
      } catch (Exception e) {
        failed++;
        String error = Failures.describeChange(e);
        target.failedAgain(letter.id(), error);
        if (Failures.isUnexpected(e)) {
          log.error("Sync replay of {}/{} failed unexpectedly again", letter.type(), letter.resourceId(), e);
        } else {
          log.warn("Sync replay of {}/{} failed again: {}", letter.type(), letter.resourceId(), error);
        }
      }
    }
    metrics.deadLetters(target.deadLetterCount());
    log.info("Sync dead letters replayed={} failed={}", replayed, failed);
    return new ReplayResult(replayed, failed);
  }

  private static Change change(DeadLetter letter) {
    Change.Action action = letter.action().equals("delete") ? Change.Action.DELETE : Change.Action.UPDATE;
    return new Change(letter.sequence(), letter.type(), letter.resourceId(), letter.version(), action,
        letter.source(), letter.failedAt().toString(), null);
  }
}
