package io.brazier.server.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of one export run as it writes them: lines go to the open file of their series (a resource type,
 * deletions, errors), which is finished and followed by the next when the series changes or when it would grow past
 * the size limit. {@link #sync} makes everything written durable and says where a run that takes over resumes.
 */
final class Output implements AutoCloseable {
  private final ExportStorage storage;
  private final ExportFolder folder;
  private final String attempt;
  private final long maxBytes;
  private final List<FileState> finished;
  private FileState open;
  private ExportStorage.OpenFile file;
  private long count;
  private long bytes;

  /** Where the files stand: finished ones, and the open one (or null). */
  record Files(List<FileState> finished, FileState open) {
    Files {
      finished = List.copyOf(finished);
    }
  }

  /**
   * Takes up the files where a run left them ({@code files}), or starts with none.
   *
   * @throws ExportStorage.CannotResume when the open file's bytes are not there
   */
  Output(ExportStorage storage, ExportFolder folder, String attempt, long maxBytes, Files files) {
    this.storage = storage;
    this.folder = folder;
    this.attempt = attempt;
    this.maxBytes = maxBytes;
    this.finished = new ArrayList<>(files.finished());
    if (files.open() != null) {
      open(files.open());
    }
  }

  void write(String series, byte[] line) {
    long size = line.length + 1L;
    if (open != null && (!open.series().equals(series) || count > 0 && bytes + size > maxBytes)) {
      finishOpen();
    }
    if (open == null) {
      open(FileState.empty(series, next(series)));
    }
    try {
      file.write(line);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write " + open.name() + " of export " + folder.job(), e);
    }
    count++;
    bytes += size;
  }

  /** Finishes the open file, if any: what follows starts a new one. */
  void finishOpen() {
    if (open == null) {
      return;
    }
    try {
      file.finish(state());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not finish " + open.name() + " of export " + folder.job(), e);
    }
    finished.add(state());
    open = null;
    file = null;
  }

  /** Makes what was written durable; the files as a run that takes over finds them. */
  Files sync() {
    if (open == null) {
      return new Files(finished, null);
    }
    try {
      open = file.sync(state());
      return new Files(finished, open);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not sync " + open.name() + " of export " + folder.job(), e);
    }
  }

  /** Every file, the open one finished. */
  List<FileState> finish() {
    finishOpen();
    return List.copyOf(finished);
  }

  /** The finished files of these series, in order. */
  List<FileState> finished(List<String> series) {
    return finished.stream().filter(file -> series.contains(file.series())).toList();
  }

  private void open(FileState state) {
    file = storage.open(folder, state, attempt);
    open = state;
    count = state.count();
    bytes = state.bytes();
  }

  private FileState state() {
    return open.written(count, bytes, open.part(), open.blocks(), open.etag());
  }

  private int next(String series) {
    return (int) finished.stream().filter(file -> file.series().equals(series)).count() + 1;
  }

  @Override
  public void close() {
    if (file != null) {
      file.close();
    }
  }
}
