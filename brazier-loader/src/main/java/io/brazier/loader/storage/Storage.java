package io.brazier.loader.storage;

import io.brazier.loader.files.InputFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the watching service finds files and leaves results: named folders ({@code bundles}, {@code
 * bundlesprocessed}, ...) of a local directory ({@link FolderStorage}) or containers of an Azure Blob account ({@link
 * BlobStorage}). Writes and moves replace what was there, whole or not at all, so a file written twice after a crash
 * is simply written again.
 */
public interface Storage {

  /** A stored file as listed: name, size and last change. */
  record Stored(String name, long size, Instant modified) {}

  /** The loader's own hold on a file while it loads it; no other loader takes the file meanwhile. */
  interface Claim extends AutoCloseable {
    /** How many times loaders took this very file (same size and time) so far, this time included. */
    int attempts();

    /** The file is done with (moved to its result folder): forget its attempts. */
    void finish() throws IOException;

    /**
     * The file stays where it is, to be taken again, and this attempt does not count: what stopped it was no fault of
     * the file (the server refused the loader its writes), so it must not end in the error folder for it.
     */
    void giveBack() throws IOException;

    @Override
    void close();
  }

  /** Creates the folders that do not exist. */
  void prepare(List<String> folders) throws IOException;

  List<Stored> list(String folder) throws IOException;

  InputFile file(String folder, Stored stored);

  void write(String folder, String name, byte[] content) throws IOException;

  /**
   * Writes a new file, whole or not at all, unless a file of that name is there (waiting, or being loaded): then
   * {@code false}, and that file is left as it was.
   */
  boolean create(String folder, String name, byte[] content) throws IOException;

  /** Writes the content of a local file (a zip's entry, staged). */
  void write(String folder, String name, Path content) throws IOException;

  /** A local file with the stored file's content: the file itself, or a temporary copy that {@code release} drops. */
  Path local(String folder, String name) throws IOException;

  void release(Path local) throws IOException;

  /** A new local directory for a zip's entries while they are checked. */
  Path staging() throws IOException;

  void move(String folder, String name, String toFolder, String toName) throws IOException;

  void delete(String folder, String name) throws IOException;

  /** The file for this loader alone, or empty when another loader (or thread) has it. */
  Optional<Claim> claim(String folder, Stored file) throws IOException;

  /** Where a reader finds a stored file: a {@code file:} URL, or the blob's URL. */
  String url(String folder, String name);

  /** {@code folder} or {@code blob}: the tag of this storage's metrics. */
  String kind();

  /** Where it is, for log lines. */
  String describe();
}
