package io.brazier.sync;

import io.brazier.client.Change;
import io.brazier.client.ChangePage;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.source.Feed;
import io.brazier.sync.source.FeedGone;
import io.brazier.sync.source.SourceException;
import io.brazier.sync.target.RelationalTarget;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the change feed from the workers' checkpoint and hands each change of a synced type to the worker of its
 * partition, then marks the page's end for every worker. A page that comes back empty at once (a server that does
 * not long-poll) is followed by a pause. When the feed no longer holds the changes after the checkpoint, everything
 * synced is back-filled and the feed is followed from the position the server names.
 */
final class FeedReader implements ChangeReader {
  private static final Logger log = LoggerFactory.getLogger(FeedReader.class);
  private static final long POLL_MILLIS = 500;

  private final String source;
  private final Feed feed;
  private final Supplier<MapSet> maps;
  private final RelationalTarget target;
  private final Workers workers;
  private final SyncMetrics metrics;
  private final int workerCount;
  private volatile boolean running = true;

  FeedReader(String source, Feed feed, Supplier<MapSet> maps, RelationalTarget target, Workers workers,
      SyncMetrics metrics, int workerCount) {
    this.source = source;
    this.feed = feed;
    this.maps = maps;
    this.target = target;
    this.workers = workers;
    this.metrics = metrics;
    this.workerCount = workerCount;
  }

  @Override
  public void run() {
    try {
      long since = ChangeReader.resume(target, source, workerCount, metrics, log);
      log.info("Sync follows the change feed source={} from={}", source, since);
      Outage outage = new Outage(log, "cannot read the change feed", "reads the change feed again");
      while (running) {
        Set<String> types = maps.get().types();
        long started = System.currentTimeMillis();
        try {
          ChangePage page = feed.read(since, types);
          outage.over();
          metrics.sourceRead();
          dispatch(page);
          since = page.next();
          if (page.changes().isEmpty() && System.currentTimeMillis() - started < POLL_MILLIS) {
            Thread.sleep(POLL_MILLIS);
          }
        } catch (FeedGone e) {
          since = backfillEverything(since, e);
        } catch (SourceException e) {
          if (Thread.currentThread().isInterrupted()) {
            return;
          }
          metrics.sourceFailed(e.getMessage());
          Thread.sleep(Failures.backoff(outage.failed(e.getMessage())).toMillis());
        }
      }
    } catch (InterruptedException e) {
      log.debug("Sync feed reader stopped");
    }
  }

  private void dispatch(ChangePage page) throws InterruptedException {
    Map<String, String> partitions = deletedPartitions(page.changes());
    for (Change change : page.changes()) {
      String partition = change.resource() != null ? Partitions.of(change.type(), change.id(), change.resource())
          : partitions.getOrDefault(change.reference(), change.reference());
      metrics.read(change.sequence(), change.at());
      workers.submit(change, partition);
    }
    metrics.page(page.next(), page.full());
    workers.mark(page.next());
  }

  /** A change without its resource (a deletion) follows the patient the target recorded for the resource. */
  private Map<String, String> deletedPartitions(List<Change> changes) {
    List<String> references = new ArrayList<>();
    changes.stream().filter(change -> change.resource() == null).forEach(change -> references.add(change.reference()));
    if (references.isEmpty()) {
      return Map.of();
    }
    try {
      return target.partitions(references);
    } catch (SQLException e) {
      log.debug("Partitions of deletions not read, each follows its own resource: {}", e.getMessage());
      return Map.of();
    }
  }

  /**
   * Queues a back-fill of every synced type and follows the feed from where the server says. The back-fill starts
   * after that position is taken, so whatever changes meanwhile is in one or the other.
   */
  private long backfillEverything(long since, FeedGone gone) throws InterruptedException {
    if (gone.latest() == null) {
      log.error("Sync cannot follow the feed ({}); the server names no position to follow it from",
          gone.getMessage());
      Thread.sleep(60_000);
      return since;
    }
    try {
      List<String> types = List.copyOf(maps.get().types());
      target.restart(source, gone.latest());
      if (!types.isEmpty()) {
        target.backfills().queue(types);
      }
      log.warn("Sync cannot follow the feed from its position ({}). A back-fill of {} is queued; the feed is followed"
          + " from {}", gone.getMessage(), types, gone.latest());
      return gone.latest();
    } catch (SQLException e) {
      log.warn("Sync could not recover from a gone feed position, retrying: {}", e.getMessage());
      Thread.sleep(2_000);
      return since;
    }
  }

  @Override
  public void stop() {
    running = false;
  }
}
