package io.brazier.loader.storage;

import io.brazier.loader.files.InputFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Folders of a local directory. A loader claims a file by locking {@code .loader/claims/[folder]/[name]} (an
 * operating-system lock, which dies with the process, so a killed loader's files are free again at once) and counts
 * its attempts in the journal {@code .loader/journal/[folder]/[name]} ({@code size modified attempts}, written
 * durably), so that a file that kills the loader again and again ends in the error folder instead of being taken
 * forever. Writes go to a temporary file renamed into place; the state folder {@code .loader} is made only when a
 * claim or a zip's staging needs it, so an export's folder holds only its files.
 */
public final class FolderStorage implements Storage {
  private final Path root;
  private final Path state;
  private final Set<Path> held = ConcurrentHashMap.newKeySet();

  public FolderStorage(Path root) {
    this.root = root.toAbsolutePath();
    this.state = this.root.resolve(".loader");
  }

  @Override
  public void prepare(List<String> folders) throws IOException {
    for (String folder : folders) {
      Files.createDirectories(root.resolve(folder));
    }
  }

  @Override
  public List<Stored> list(String folder) throws IOException {
    List<Stored> files = new ArrayList<>();
    try (Stream<Path> paths = Files.list(root.resolve(folder))) {
      for (Path path : paths.toList()) {
        try {
          if (Files.isRegularFile(path)) {
            files.add(new Stored(path.getFileName().toString(), Files.size(path),
                Files.getLastModifiedTime(path).toInstant()));
          }
        } catch (NoSuchFileException e) {
          // taken by another loader while we listed
        }
      }
    }
    return files;
  }

  @Override
  public InputFile file(String folder, Stored stored) {
    Path path = root.resolve(folder).resolve(stored.name());
    return new InputFile(stored.name(), stored.size(), () -> Files.newInputStream(path));
  }

  @Override
  public void write(String folder, String name, byte[] content) throws IOException {
    Path target = target(folder, name);
    Path temporary = temporaryBeside(target);
    Files.write(temporary, content);
    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** A hard link is made only where no file of that name is, in one step: no other writer slips in between. */
  @Override
  public boolean create(String folder, String name, byte[] content) throws IOException {
    Path target = target(folder, name);
    Path temporary = temporaryBeside(target);
    try {
      Files.write(temporary, content);
      Files.createLink(target, temporary);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } finally {
      Files.delete(temporary);
    }
  }

  /** Moves the file into place; from another file system (a temporary folder), through a copy beside the target. */
  @Override
  public void write(String folder, String name, Path content) throws IOException {
    Path target = target(folder, name);
    try {
      Files.move(content, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Path temporary = temporaryBeside(target);
      Files.copy(content, temporary, StandardCopyOption.REPLACE_EXISTING);
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.delete(content);
    }
  }

  /**
   * An empty file to write before it is moved onto {@code target}, named as the folder scans pass over. Made as any
   * new file is, so what it becomes is readable as the umask allows; {@code Files.createTempFile} would make every
   * result, error and manifest file readable by its owner only.
   */
  private static Path temporaryBeside(Path target) throws IOException {
    return Files.createFile(target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp"));
  }

  /** A name may hold folders ({@code export-id/Patient-1.ndjson}): they are made. */
  private Path target(String folder, String name) throws IOException {
    Path target = root.resolve(folder).resolve(name).normalize();
    if (!target.startsWith(root.resolve(folder).normalize())) {
      throw new IOException("Not a name inside " + folder + ": " + name);
    }
    Files.createDirectories(target.getParent());
    return target;
  }

  @Override
  public String url(String folder, String name) {
    return root.resolve(folder).resolve(name).normalize().toUri().toString();
  }

  @Override
  public Path local(String folder, String name) {
    return root.resolve(folder).resolve(name);
  }

  @Override
  public void release(Path local) {
    // the file itself: nothing to drop
  }

  @Override
  public Path staging() throws IOException {
    return Files.createTempDirectory(Files.createDirectories(state), "staging");
  }

  @Override
  public void move(String folder, String name, String toFolder, String toName) throws IOException {
    Files.move(root.resolve(folder).resolve(name), root.resolve(toFolder).resolve(toName),
        StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void delete(String folder, String name) throws IOException {
    Files.deleteIfExists(root.resolve(folder).resolve(name));
  }

  @Override
  public Optional<Claim> claim(String folder, Stored file) throws IOException {
    Path lockFile = Files.createDirectories(state.resolve("claims").resolve(folder)).resolve(file.name());
    if (!held.add(lockFile)) {
      return Optional.empty();
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = tryLock(channel);
      if (lock == null) {
        channel.close();
        held.remove(lockFile);
        return Optional.empty();
      }
      Path journal = Files.createDirectories(state.resolve("journal").resolve(folder)).resolve(file.name());
      return Optional.of(new FolderClaim(lockFile, channel, journal, file, attempt(journal, file)));
    } catch (IOException e) {
      if (channel != null) {
        channel.close();
      }
      held.remove(lockFile);
      throw e;
    }
  }

  /** The lock, or null when another process holds it, or another storage of this process on the same folder. */
  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    }
  }

  private static String key(Stored file) {
    return file.size() + " " + file.modified().toEpochMilli();
  }

  /** Counts this attempt in the journal, durably: a crash right after must still count it. */
  private static int attempt(Path journal, Stored file) throws IOException {
    int attempts = 1;
    String key = key(file);
    if (Files.exists(journal)) {
      String[] recorded = Files.readString(journal).strip().split(" ");
      if (recorded.length == 3 && key.equals(recorded[0] + " " + recorded[1])) {
        attempts = Integer.parseInt(recorded[2]) + 1;
      }
    }
    record(journal, key, attempts);
    return attempts;
  }

  /** Writes the attempts of the file {@code key} names (its size and time) to its journal, whole or not at all. */
  private static void record(Path journal, String key, int attempts) throws IOException {
    Path temporary = journal.resolveSibling("." + journal.getFileName() + ".tmp");
    try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      out.write(java.nio.ByteBuffer.wrap((key + " " + attempts).getBytes(StandardCharsets.UTF_8)));
      out.force(true);
    }
    Files.move(temporary, journal, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public String kind() {
    return "folder";
  }

  @Override
  public String describe() {
    return root.toString();
  }

  private final class FolderClaim implements Claim {
    private final Path lockFile;
    private final FileChannel channel;
    private final Path journal;
    private final Stored file;
    private final int attempts;

    FolderClaim(Path lockFile, FileChannel channel, Path journal, Stored file, int attempts) {
      this.lockFile = lockFile;
      this.channel = channel;
      this.journal = journal;
      this.file = file;
      this.attempts = attempts;
    }

    @Override
    public int attempts() {
      return attempts;
    }

    @Override
    public void finish() throws IOException {
      Files.deleteIfExists(journal);
    }

    @Override
    public void giveBack() throws IOException {
      if (attempts > 1) {
        record(journal, key(file), attempts - 1);
      } else {
        Files.deleteIfExists(journal);
      }
    }

    @Override
    public void close() {
      try {
        channel.close(); // releases the lock; the lock file stays, as another loader may be waiting on it
      } catch (IOException e) {
        // nothing to do: the lock dies with the channel
      } finally {
        held.remove(lockFile);
      }
    }
  }
}
