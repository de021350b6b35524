package io.brazier.sync;

import io.brazier.sync.source.SourceException;
import io.brazier.sync.source.SyncQueue;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import io.brazier.sync.target.RelationalTarget;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the sync queue (a Kafka topic of {@code sync-queue} messages) and hands each message to the worker of its
 * key, the patient, so a patient's changes stay in order. Messages are numbered on from the workers' checkpoint, as
 * the feed's sequences are, and the consumer group's offsets are committed once every message before them is
 * applied: after a crash the group reads again from there, and what is applied again changes nothing (the changes
 * are read as the resources are now, and the version guard skips what the target has).
 */
final class QueueReader implements ChangeReader {
  private static final Logger log = LoggerFactory.getLogger(QueueReader.class);
  private static final Duration POLL = Duration.ofMillis(500);

  private final String source;
  private final SyncQueue queue;
  private final RelationalTarget target;
  private final Workers workers;
  private final SyncMetrics metrics;
  private final int workerCount;
  /** The offsets reached after each numbered message, committed once the message is applied. */
  private final NavigableMap<Long, Map<TopicPartition, Long>> uncommitted = new TreeMap<>();
  private final Map<TopicPartition, Long> reached = new HashMap<>();
  private volatile boolean running = true;

  QueueReader(String source, SyncQueue queue, RelationalTarget target, Workers workers, SyncMetrics metrics,
      int workerCount) {
    this.source = source;
    this.queue = queue;
    this.target = target;
    this.workers = workers;
    this.metrics = metrics;
    this.workerCount = workerCount;
  }

  @Override
  public void run() {
    try (queue) {
      long since = ChangeReader.resume(target, source, workerCount, metrics, log);
      log.info("Sync follows the sync queue source={} numberedFrom={}", source, since);
      int failures = 0;
      while (running) {
        try {
          since = dispatch(queue.poll(POLL, since), since);
          commitApplied();
          metrics.sourceRead();
          failures = 0;
        } catch (SourceException e) {
          if (!running || Thread.currentThread().isInterrupted()) {
            return;
          }
          metrics.sourceFailed(e.getMessage());
          if (++failures == 1) {
            log.warn("Sync cannot read the sync queue, retrying: {}", e.getMessage());
          }
          Thread.sleep(Failures.backoff(failures).toMillis());
        }
      }
    } catch (InterruptedException e) {
      log.debug("Sync queue reader stopped");
    }
  }

  private long dispatch(List<SyncQueue.Message> messages, long since) throws InterruptedException {
    if (messages.isEmpty()) {
      return since;
    }
    long last = since;
    for (SyncQueue.Message message : messages) {
      metrics.read(message.change().sequence(), null);
      workers.submit(message.change(), message.patient());
      reached.merge(message.partition(), message.offset() + 1, Math::max);
      last = message.change().sequence();
    }
    uncommitted.put(last, Map.copyOf(reached));
    metrics.page(last, false);
    workers.mark(last);
    return last;
  }

  /** Commits the offsets of the newest message up to which everything is applied. */
  private void commitApplied() throws SourceException {
    Map.Entry<Long, Map<TopicPartition, Long>> done = uncommitted.floorEntry(
        metrics.applied());
    if (done != null) {
      queue.commit(done.getValue());
      uncommitted.headMap(done.getKey(), true).clear();
    }
  }

  @Override
  public void stop() {
    running = false;
    queue.wakeup();
  }
}
