package io.brazier.events;

import java.util.List;

/**
 * The broker did not acknowledge a batch in time, or refused it. The change feed publisher sends the page again from
 * its checkpoint; the publisher of answers sends again {@link #toSendAgain}.
 */
final class BrokerFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<Message> toSendAgain;

  BrokerFailure(String message, Throwable cause, List<Message> toSendAgain) {
    super(message, cause);
    this.toSendAgain = List.copyOf(toSendAgain);
  }

  /** The messages of the batch not acknowledged, with those after them of their keys, in the batch's order. */
  List<Message> toSendAgain() {
    return toSendAgain;
  }
}
