package io.brazier.events;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the writes of responses as they pass, for a proxy in front of a server without a change feed: the
 * original proxy's processors, but waiting for the broker's acknowledgement. What the broker did not acknowledge is
 * sent again, through a new producer, until it is: a response's messages are published at least once while the
 * proxy runs and the broker comes back within {@code --events-unhealthy-after}, and its answer waits for them. They
 * are lost, and logged, when the proxy stops (or dies) before the broker took them, or when the broker stays away
 * longer: the write is done upstream, and a client kept waiting past that would give up and write again. Only the
 * change feed publisher promises more.
 *
 * <p>Answers are published at once, through one producer (Kafka's is made for threads), each waiting for its own
 * acknowledgements only. A response's messages keep their order, key by key; two responses published at once are
 * ordered as the broker takes them.
 */
public final class ResponsePublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResponsePublisher.class);

  private final EventsConfig config;
  private final Messages messages;
  private volatile KafkaSink sink;
  private volatile boolean closed;
  /** When a send began that the broker then failed (nanoTime), the earliest since the last acknowledgement; or 0. */
  private final AtomicLong failingSince = new AtomicLong();
  private final AtomicBoolean askingBroker = new AtomicBoolean();

  public ResponsePublisher(EventsConfig config, Messages messages) {
    this.config = config;
    this.messages = messages;
    this.sink = KafkaSink.forAnswers(config);
  }

  /** Sends the messages of what the exchange wrote; see {@link #publish(String, List)}. */
  public boolean publish(ResponseWrites.Exchange exchange) {
    return publish(exchange.request(), ResponseWrites.of(exchange));
  }

  /**
   * Sends the messages of {@code writes}, which the answer to {@code request} ({@code DELETE Patient}, for the log)
   * did, and returns once the broker acknowledged them all: true; sending again, after a pause, what it failed.
   * False, with the messages lost logged, when the publisher is closed (or the thread interrupted) before, or once
   * the broker has failed them for {@code --events-unhealthy-after}.
   */
  public boolean publish(String request, List<Written> writes) {
    List<Message> pending = messages.of(writes);
    long giveUpAt = System.nanoTime() + config.unhealthyAfter().toNanos();
    long backoff = 0;
    while (!pending.isEmpty()) {
      if (closed || !pause(backoff)) {
        return logLost(request, pending, "the publisher stopped before Kafka took them");
      }
      KafkaSink used = sink;
      long sentAt = System.nanoTime();
      try {
        used.send(pending);
        pending = List.of();
        failingSince.set(0);
      } catch (BrokerFailure e) {
        failingSince.compareAndSet(0, sentAt);
        pending = e.toSendAgain();
        replace(used); // the failed producer is unusable, for the next answer too
        if (System.nanoTime() - giveUpAt >= 0) {
          return logLost(request, pending, "Kafka failed them for " + config.unhealthyAfter().toSeconds() + " s");
        }
        log.warn("Kafka did not take {} events of {}, sending them again: {}", pending.size(), request,
            e.getMessage());
        backoff = EventPublisher.nextBackoff(backoff);
      }
    }
    return true;
  }

  /**
   * Why {@code /healthz} should say the proxy is unhealthy, or null: the broker failed a send that began longer than
   * {@code --events-unhealthy-after} ago, and has since acknowledged none, nor answered when asked. Only answers
   * with writes send anything, so a broker away while none passes goes unnoticed.
   */
  public String problem() {
    long since = failingSince.get();
    long failedFor = System.nanoTime() - since;
    if (since != 0 && failedFor > config.unhealthyAfter().toNanos()) {
      askWhetherBrokerIsBack(since);
      return "Kafka has not acknowledged for " + TimeUnit.NANOSECONDS.toSeconds(failedFor) + " s";
    }
    return null;
  }

  /**
   * A proxy that says it is unhealthy may get no write to learn that the broker is back (a load balancer took it
   * out): each ask of its health then asks the broker, in the background and one at a time, through a new producer.
   * A broker that answers is taken to be back; if it still fails sends, the writes that pass say so again.
   */
  private void askWhetherBrokerIsBack(long failingSinceAsked) {
    if (closed || !askingBroker.compareAndSet(false, true)) {
      return;
    }
    Thread asking = new Thread(() -> {
      try {
        if (KafkaSink.answers(config)) {
          failingSince.compareAndSet(failingSinceAsked, 0);
        }
      } finally {
        askingBroker.set(false);
      }
    }, "brazier-events-health");
    asking.setDaemon(true);
    asking.start();
  }

  /**
   * Logs the messages of {@code writes}, which the answer to {@code request} did or may have done, as lost, the way
   * {@link #publish} logs those Kafka never took, with their contents to send again by hand: for writes the proxy
   * cannot publish as done because it cannot tell ({@code why}) whether they were.
   */
  public void lost(String request, List<Written> writes, String why) {
    if (!writes.isEmpty()) {
      logLost(request, messages.of(writes), why);
    }
  }

  private static boolean logLost(String request, List<Message> pending, String why) {
    log.error("The events of {} are lost, {}: {}", request, why, pending.stream().map(Message::text).toList());
    return false;
  }

  /** Waits {@code millis} before sending again; false when interrupted. */
  private static boolean pause(long millis) {
    if (millis <= 0) {
      return true;
    }
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * A producer that failed a send is unusable: the first of its senders to fail replaces it; the others, failing
   * with it, find it replaced already.
   */
  private synchronized void replace(KafkaSink failed) {
    if (sink == failed && !closed) {
      failed.abandon();
      sink = KafkaSink.forAnswers(config);
    }
  }

  /** Stops publishing: a publish still waiting for the broker gives up, logging what it loses. */
  @Override
  public synchronized void close() {
    closed = true;
    sink.close();
  }
}
