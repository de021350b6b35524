package io.brazier.loader;

/**
 * Hears how an export goes: the searches to run, resources as they are written, each search as it ends. Each method
 * hears nothing unless overridden.
 */
public interface ExportProgress extends AutoCloseable {

  default void start(int searches) {}

  default void resources(int written) {}

  default void searchDone(boolean failed) {}

  @Override
  default void close() {}

  /** Hears nothing. */
  static ExportProgress none() {
    return new ExportProgress() {};
  }
}
