package io.brazier.store;

/** A write expected a current version that another writer has changed in the meantime. */
public final class VersionConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String type;
  private final String id;

  public VersionConflictException(String type, String id) {
    super("Resource " + type + "/" + id + " was changed by another request", null, false, false);
    this.type = type;
    this.id = id;
  }

  public String type() {
    return type;
  }

  public String id() {
    return id;
  }
}
