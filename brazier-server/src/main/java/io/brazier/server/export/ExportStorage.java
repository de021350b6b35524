package io.brazier.server.export;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Where export files go: a local folder or Azure Blob storage, one folder (or blob prefix) per job. A file is written
 * by one run at a time into objects of its own ({@code attempt}), so that a run that lost its job (its node hung past
 * the lease) can never spoil the file of the run that took it over, and only a finished file gets its final name.
 */
interface ExportStorage {

  /**
   * Opens a file to write: a fresh one, or one that a run wrote up to {@code state}, whose bytes this run takes up.
   *
   * @throws CannotResume when those bytes are not there (another node's folder, lost with it)
   */
  OpenFile open(ExportFolder folder, FileState state, String attempt);

  /**
   * A finished file, to read back or serve.
   *
   * @throws java.nio.file.NoSuchFileException when there is no such file
   */
  InputStream read(ExportFolder folder, String name) throws IOException;

  /** The link the manifest gives for a finished file: the server's own ({@code server}), or the storage's. */
  String link(ExportFolder folder, String name, String server, Instant expires);

  /**
   * How long after its links expire a file may still be read: a download through a storage link that started
   * just before may still run, and the storage cannot tell.
   */
  Duration grace();

  /** Whether {@link #link} gives the server's own links, which need the token the server asks for. */
  boolean serverLinks();

  /** Deletes every file of an export, parts included. */
  void delete(ExportFolder folder);

  /** Deletes the files of an export that are not {@code names} (parts of runs that lost the job). */
  void keepOnly(ExportFolder folder, Set<String> names);

  /** The exports that have files here (in Blob storage: in the configured container). */
  Set<ExportFolder> folders();

  /** A file being written. */
  interface OpenFile extends AutoCloseable {

    /** Appends a line: the bytes, then a newline. */
    void write(byte[] line) throws IOException;

    /** Makes what was written durable; returns the state a run that takes over resumes from. */
    FileState sync(FileState written) throws IOException;

    /** Makes the file durable under its final name. */
    void finish(FileState written) throws IOException;

    /** Stops writing, leaving what is there for a run that takes over. */
    @Override
    void close();
  }

  /** A file that cannot be taken up where the last run left it: the export starts again. */
  final class CannotResume extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CannotResume(String message) {
      super(message);
    }
  }
}
