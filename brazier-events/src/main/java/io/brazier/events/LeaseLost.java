package io.brazier.events;

/** The connection that held the publisher's lock is gone, and the lock with it: another node may publish now. */
final class LeaseLost extends RuntimeException {
  private static final long serialVersionUID = 1L;

  LeaseLost(String message, Throwable cause) {
    super(message, cause);
  }
}
