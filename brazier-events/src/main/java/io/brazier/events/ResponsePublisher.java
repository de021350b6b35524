package io.brazier.events;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the writes of responses as they pass, for a proxy in front of a server without a change feed: the
 * original proxy's processors, but waiting for the broker's acknowledgement and saying when it did not come. A
 * response's messages are lost if the broker stays away: only the change feed publisher promises more.
 */
public final class ResponsePublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResponsePublisher.class);

  private final EventsConfig config;
  private final Messages messages;
  private KafkaSink sink;

  public ResponsePublisher(EventsConfig config, Messages messages) {
    this.config = config;
    this.messages = messages;
    this.sink = new KafkaSink(config);
  }

  /** Sends the messages of what the exchange wrote; false, logged, when the broker did not acknowledge them. */
  public synchronized boolean publish(ResponseWrites.Exchange exchange) {
    List<Message> batch = messages.of(ResponseWrites.of(exchange));
    if (batch.isEmpty()) {
      return true;
    }
    try {
      sink.send(batch);
      return true;
    } catch (BrokerFailure e) {
      log.warn("Kafka did not take the events of {} {}: {}", exchange.method(), exchange.path(), e.getMessage());
      sink.abandon();
      sink = new KafkaSink(config);
      return false;
    }
  }

  @Override
  public synchronized void close() {
    sink.close();
  }
}
