package io.brazier.events;

/** The broker did not acknowledge a batch in time, or refused it. The publisher sends again from its checkpoint. */
final class BrokerFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BrokerFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
