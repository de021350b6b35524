package io.brazier.events;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the writes of responses as they pass, for a proxy in front of a server without a change feed: the
 * original proxy's processors, but waiting for the broker's acknowledgement and saying when it did not come. A
 * response's messages are lost if the broker stays away: only the change feed publisher promises more.
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
  private boolean closed;

  public ResponsePublisher(EventsConfig config, Messages messages) {
    this.config = config;
    this.messages = messages;
    this.sink = KafkaSink.forAnswers(config);
  }

  /** Sends the messages of what the exchange wrote; false, logged, when the broker did not acknowledge them. */
  public boolean publish(ResponseWrites.Exchange exchange) {
    return publish(exchange.method() + " " + exchange.path(), ResponseWrites.of(exchange));
  }

  /**
   * Sends the messages of {@code writes}, which the answer to {@code request} ({@code DELETE Patient}, for the log)
   * did; false, logged, when the broker did not acknowledge them.
   */
  public boolean publish(String request, List<Written> writes) {
    List<Message> batch = messages.of(writes);
    if (batch.isEmpty()) {
      return true;
    }
    KafkaSink used = sink;
    try {
      used.send(batch);
      return true;
    } catch (BrokerFailure e) {
      log.warn("Kafka did not take the events of {}: {}", request, e.getMessage());
      replace(used);
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

  @Override
  public synchronized void close() {
    closed = true;
    sink.close();
  }
}
