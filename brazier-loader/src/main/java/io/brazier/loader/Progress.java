package io.brazier.loader;

import io.brazier.loader.send.FileOutcome;

/** Hears how a load goes: the files to load, entries as they are answered, each file as it ends. Thread-safe. */
public interface Progress extends AutoCloseable {

  void start(int files);

  void entries(int answered);

  void file(FileOutcome outcome);

  @Override
  void close();
}
