package io.brazier.loader;

/** Hears how an export goes: the searches to run, resources as they are written, each search as it ends. */
public interface ExportProgress extends AutoCloseable {

  void start(int searches);

  void resources(int written);

  void searchDone(boolean failed);

  @Override
  void close();

  /** Hears nothing. */
  static ExportProgress none() {
    return new ExportProgress() {
      @Override
      public void start(int searches) {}

      @Override
      public void resources(int written) {}

      @Override
      public void searchDone(boolean failed) {}

      @Override
      public void close() {}
    };
  }
}
