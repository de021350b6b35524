package io.brazier.sync.map;

/** A map that cannot be used, with the file and the field to fix. */
public final class MapException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final String field;

  public MapException(String file, String field, String problem) {
    super(file + (field == null ? "" : ": " + field) + ": " + problem);
    this.file = file;
    this.field = field;
  }

  public String file() {
    return file;
  }

  /** The field, as a path in the file ({@code attributes[3].path}); null when the file as a whole is wrong. */
  public String field() {
    return field;
  }
}
