package io.brazier.events;

import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes every committed write, read from the change feed in commit order, to Kafka: at least once, never lost.
 * One thread: while this node holds the publisher's lease it reads a page of the feed after its checkpoint, sends
 * its messages, waits for the broker to acknowledge all of them, and only then moves the checkpoint past the page.
 * A broker that fails or stays away longer than the send timeout costs a new producer and the same page again (its
 * unacknowledged messages may then arrive twice: consumers de-duplicate by type, id and version); a crash costs the
 * messages sent after the last checkpoint, sent again by whichever node holds the lease next. Nodes without the
 * lease wait, trying it every second.
 */
public final class EventPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);
  private static final int PAGE = 1000;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long IDLE_PAUSE_MS = 200;
  private static final long STANDBY_PAUSE_MS = 1000;
  private static final long MAX_BACKOFF_MS = 5000;

  private final EventsConfig config;
  private final ChangeFeed feed;
  private final Messages messages;
  private final DataSource database;
  private final PublisherLease lease;
  private final PublisherMetrics metrics;
  private final Thread thread;
  private volatile boolean closed;
  /** When the broker began to keep this node waiting (nanoTime), or 0 while it acknowledges. */
  private volatile long waitingSince;

  /**
   * @param database where the lease and checkpoint live (the schema {@code brazier_events}); unpooled connections,
   *     see {@link #database(String, String, String)}
   * @param name the publisher's name: nodes that publish the same feed to the same broker share it
   */
  public EventPublisher(EventsConfig config, ChangeFeed feed, Messages messages, DataSource database, String name,
      MeterRegistry registry) {
    this.config = config;
    this.feed = feed;
    this.messages = messages;
    this.database = database;
    this.lease = new PublisherLease(database, name);
    this.metrics = new PublisherMetrics(registry);
    this.thread = new Thread(this::run, "brazier-events");
    thread.setDaemon(true);
  }

  /** Unpooled connections to the PostgreSQL at {@code jdbcUrl}, for the lease. */
  public static DataSource database(String jdbcUrl, String user, String password) {
    return PublisherLease.dataSource(jdbcUrl, user, password);
  }

  /** Migrates the publisher's schema and starts publishing (or waiting for the lease). */
  public EventPublisher start() {
    PublisherLease.migrate(database);
    thread.start();
    log.info("Event publisher started topic={} syncQueue={} kafka={}", config.topic(),
        config.syncQueueTypes().isEmpty() ? "off" : config.syncQueueTopic(), KafkaSink.bootstrapServers(config));
    return this;
  }

  /** Why {@code /healthz} should say this node is unhealthy (the broker away too long), or null. */
  public String problem() {
    long since = waitingSince;
    if (since != 0 && System.nanoTime() - since > config.unhealthyAfter().toNanos()) {
      return "Kafka has not acknowledged for " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since) + " s";
    }
    return null;
  }

  /** Whether this node holds the lease and publishes. */
  public boolean isPublishing() {
    return lease.holds();
  }

  private void run() {
    long backoff = 0;
    while (!closed) {
      try {
        sleep(backoff);
        if (lease.tryAcquire()) {
          metrics.publishing(true);
          publish();
        } else {
          waitingSince = 0; // the node that publishes is the one the broker keeps waiting
          sleep(STANDBY_PAUSE_MS);
        }
        backoff = 0;
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          break; // interrupted by close, wherever it was
        }
        failed(e);
        backoff = nextBackoff(backoff);
      } finally {
        metrics.publishing(lease.holds());
      }
    }
    lease.close();
  }

  private void failed(Exception e) {
    if (e instanceof LeaseLost || e instanceof SQLException) {
      metrics.error("database");
      log.warn("Event publisher lost its lease or database, waiting to take it again: {}", e.getMessage());
    } else if (e instanceof BrokerFailure) {
      metrics.error("broker");
      log.warn("Kafka did not acknowledge; sending again from the checkpoint: {}", e.getMessage());
    } else if (e instanceof FeedFailure) {
      metrics.error("feed");
      log.warn("The change feed could not be read; retrying: {}", e.getMessage());
    } else {
      metrics.error("other");
      log.error("Event publisher failed; retrying from the checkpoint", e);
    }
  }

  /** Publishes page after page from the checkpoint while the lease holds; returns when closed, throws on failure. */
  private void publish() {
    long since = lease.checkpoint();
    metrics.checkpoint(since);
    log.info("Event publisher holds the lease, publishing after sequence={}", since);
    Set<String> elements = messages.elements();
    KafkaSink sink = KafkaSink.forPages(config);
    boolean sent = false;
    try {
      while (!closed) {
        ChangeFeed.Page page = feed.read(since, PAGE, WAIT, messages::concerns, elements);
        metrics.read(page.next(), page.writes());
        List<Message> batch = messages.of(page.writes());
        send(sink, batch);
        if (page.next() != since) {
          lease.advance(page.next());
        }
        metrics.published(batch, page.writes(), page.next());
        since = page.next();
        if (!page.full()) {
          sleep(IDLE_PAUSE_MS);
        }
      }
      sent = true;
    } finally {
      if (sent) {
        sink.close();
      } else {
        sink.abandon();
      }
    }
  }

  private void send(KafkaSink sink, List<Message> batch) {
    if (batch.isEmpty()) {
      return;
    }
    if (!lease.holds()) {
      throw new LeaseLost("The connection holding the publisher's lock no longer answers", null);
    }
    if (waitingSince == 0) {
      waitingSince = System.nanoTime();
    }
    sink.send(batch);
    waitingSince = 0;
  }

  /**
   * The pause before trying again after a failure that followed a pause of {@code backoff}: 250 ms, doubling to 5 s.
   */
  static long nextBackoff(long backoff) {
    return Math.min(MAX_BACKOFF_MS, Math.max(250, backoff * 2));
  }

  private void sleep(long millis) {
    if (millis <= 0 || closed) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  /** Stops publishing: what was acknowledged is checkpointed; the rest is sent again by the next holder. */
  @Override
  public void close() {
    closed = true;
    try {
      thread.join(2_000);
      if (thread.isAlive()) {
        thread.interrupt(); // out of a long poll or a wait for the broker
        thread.join(10_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lease.close();
  }
}
