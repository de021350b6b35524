package io.brazier.sync.map;

/** A resource that its map cannot turn into rows: the same every time, so it is not retried. */
public final class MappingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MappingException(String message) {
    super(message);
  }
}
