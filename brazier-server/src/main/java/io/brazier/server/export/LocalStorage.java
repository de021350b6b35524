package io.brazier.server.export;

import io.brazier.client.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Export files in a local folder, {@code <dir>/<job>/<Type>-<n>.ndjson}, served by the server. A run writes
 * {@code <name>.<attempt>.part} and renames it when the file is finished; a run that takes over copies the part it
 * resumes from, up to what was synced, into a part of its own.
 */
final class LocalStorage implements ExportStorage {
  private static final String PART = ".part";
  private static final int BUFFER = 1 << 20;

  private final LocalRoot root;

  /** Files in {@code root}, made now. */
  LocalStorage(Path root) {
    this(LocalRoot.named(root));
  }

  LocalStorage(LocalRoot root) {
    this.root = root;
  }

  /** Where the files are; null while a temporary folder holds none. */
  Path root() {
    return root.existing();
  }

  @Override
  public OpenFile open(ExportFolder export, FileState state, String attempt) {
    Path folder = root.made().resolve(export.job());
    Path part = file(export, state.name() + "." + attempt + PART);
    try {
      Files.createDirectories(folder);
      FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        channel.truncate(0);
        if (state.bytes() > 0) {
          // The run that synced may have finished the file since: its first bytes are the same.
          Path synced = file(export, state.part());
          takeUp(Files.exists(synced) ? synced : file(export, state.name()), state.bytes(), channel);
        }
        return new LocalFile(channel, part, file(export, state.name()));
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not open " + part, e);
    }
  }

  /** Copies the first {@code bytes} of the last run's part into this run's. */
  private static void takeUp(Path source, long bytes, FileChannel target) throws IOException {
    try (FileChannel from = FileChannel.open(source, StandardOpenOption.READ)) {
      if (from.size() < bytes) {
        throw new CannotResume(source + " holds " + from.size() + " bytes, not the " + bytes + " synced");
      }
      for (long copied = 0; copied < bytes; ) {
        copied += from.transferTo(copied, bytes - copied, target);
      }
    } catch (NoSuchFileException e) {
      throw new CannotResume(source + " is not there");
    }
  }

  @Override
  public InputStream read(ExportFolder folder, String name) throws IOException {
    if (root.existing() == null) {
      throw new NoSuchFileException(name);
    }
    return Files.newInputStream(file(folder, name));
  }

  /** A file of an export's folder; a name that reaches out of it (a job's state gone wrong) is refused. */
  private Path file(ExportFolder export, String name) {
    Path folder = jobFolder(export).normalize();
    Path file = folder.resolve(name).normalize();
    if (!folder.equals(file.getParent())) {
      throw new IllegalArgumentException("'" + name + "' is not a file name of export " + export.job());
    }
    return file;
  }

  @Override
  public String link(ExportFolder folder, String name, String server, Instant expires) {
    return server;
  }

  /** None: the server serves every link, and a file deleted while it is read stays readable to the end (POSIX). */
  @Override
  public Duration grace() {
    return Duration.ZERO;
  }

  @Override
  public boolean serverLinks() {
    return true;
  }

  @Override
  public void delete(ExportFolder export) {
    Path folder = jobFolder(export);
    if (folder == null) {
      return;
    }
    try {
      FileTrees.delete(folder);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not delete the export files in " + folder, e);
    }
  }

  @Override
  public void keepOnly(ExportFolder folder, Set<String> names) {
    Path dir = jobFolder(folder);
    if (dir == null) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        if (!names.contains(file.getFileName().toString())) {
          Files.deleteIfExists(file);
        }
      }
    } catch (NoSuchFileException e) {
      // nothing written
    } catch (IOException e) {
      throw new UncheckedIOException("Could not tidy the export files of job " + folder.job(), e);
    }
  }

  @Override
  public Set<ExportFolder> folders() {
    Set<ExportFolder> jobs = new HashSet<>();
    Path existing = root.existing();
    if (existing == null) {
      return jobs;
    }
    try (DirectoryStream<Path> folders = Files.newDirectoryStream(existing,
        folder -> Files.isDirectory(folder) && ExportFolder.isJob(folder.getFileName().toString()))) {
      folders.forEach(folder -> jobs.add(new ExportFolder(null, folder.getFileName().toString())));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not list " + existing, e);
    }
    return jobs;
  }

  /**
   * The folder of an export's files, which may not exist; null while a temporary folder is still to be made: there is
   * nothing to read, tidy or delete then.
   */
  private Path jobFolder(ExportFolder export) {
    Path existing = root.existing();
    return existing == null ? null : existing.resolve(export.job());
  }

  /** A part file written through a buffer of its own. */
  private static final class LocalFile implements OpenFile {
    private final FileChannel channel;
    private final Path part;
    private final Path target;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);

    LocalFile(FileChannel channel, Path part, Path target) {
      this.channel = channel;
      this.part = part;
      this.target = target;
    }

    @Override
    public void write(byte[] line) throws IOException {
      if (buffer.remaining() < line.length + 1) {
        drain();
      }
      if (line.length + 1 > buffer.capacity()) {
        for (ByteBuffer whole = ByteBuffer.wrap(line); whole.hasRemaining(); ) {
          channel.write(whole);
        }
      } else {
        buffer.put(line);
      }
      buffer.put((byte) '\n');
    }

    private void drain() throws IOException {
      buffer.flip();
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      buffer.clear();
    }

    @Override
    public FileState sync(FileState written) throws IOException {
      drain();
      channel.force(false);
      return written.written(written.count(), written.bytes(), part.getFileName().toString(), List.of(), null);
    }

    @Override
    public void finish(FileState written) throws IOException {
      sync(written);
      channel.close();
      Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing more to write; a run that takes over resumes from the last sync
      }
    }
  }
}
