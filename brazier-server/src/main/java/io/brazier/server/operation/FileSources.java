package io.brazier.server.operation;

import io.brazier.client.HttpUrls;
import io.brazier.fhir.FhirException;
import io.brazier.server.http.ETags;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Set;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Inputs in the folder of {@code --import-dir}: {@code file:} URLs of regular files below it, symbolic links
 * resolved and files of several hard links refused (at the kick-off and at each opening), so that an import cannot
 * read the server's other files. A file's version, its ETag, is its size and last-modified time
 * ({@link UnchangedFile}): an input's {@code etag} is checked against it.
 */
final class FileSources {
  private final Path dir;

  FileSources(Path dir) {
    this.dir = dir;
  }

  /** The file a {@code file:} URL names, if it is below the folder; {@code shown}, the URL as messages show it. */
  ImportSources.Source source(String shown, URI uri) {
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      // A file has no use for them, and they would make variants of its URL that each pass for another input.
      throw FhirException.badRequest("The input " + shown + " has a query or a fragment: a file: URL names a file by"
          + " its path alone (file:///path).");
    }
    String path = uri.getPath();
    // RFC 8089: file:///path, file:/path and file://localhost/path name the same file; no other host is this one.
    if (path == null || !path.startsWith("/") || path.contains("/../") || path.endsWith("/..")
        || uri.getAuthority() != null && !uri.getAuthority().equalsIgnoreCase("localhost")) {
      throw FhirException.badRequest("The input " + shown + " is not an absolute file: URL (file:///path, no ..).");
    }
    Path file;
    try {
      file = Path.of(path);
    } catch (InvalidPathException e) {
      throw FhirException.badRequest("The input " + shown + " names no file this server can have: " + e.getReason()
          + ".");
    }
    checkInside(dir, shown, file);
    return new FileSource(shown, file, dir);
  }

  /**
   * Opens {@code real}, a path with no symbolic link in it that was checked below the folder, if it is still the
   * file of key {@code checked} with one link: a writer to the folder may have swapped it since the check. Its last
   * name is not followed should it have become a symbolic link; another file there, or a folder on the way swapped
   * for a link, shows as another key after the opening (unless swapped back before it: Java cannot read the key of
   * an open channel). A failure is an IOException, so that the import opens the input again, checking it again.
   */
  static SeekableByteChannel openChecked(Path real, Object checked) throws IOException {
    SeekableByteChannel channel = Files.newByteChannel(real, Set.of(StandardOpenOption.READ,
        LinkOption.NOFOLLOW_LINKS));
    try {
      Object opened = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
      if (!Objects.equals(opened, checked) || links(real) > 1) {
        throw new IOException("the file was replaced since its check");
      }
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * How many hard links {@code file} has, not following a symbolic link; 1 where the file system counts none (no
   * {@code unix} view).
   */
  private static int links(Path file) throws IOException {
    try {
      return (Integer) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException e) {
      return 1;
    }
  }

  /**
   * {@code file}, symbolic links resolved; a 400 unless it is below {@code dir}: a link inside may not lead out of it.
   */
  private static Path checkInside(Path dir, String shown, Path file) {
    try {
      Path root = dir.toRealPath();
      Path resolved = Files.exists(file) ? file.toRealPath() : file.normalize();
      if (!resolved.startsWith(root) && !resolved.startsWith(dir.normalize())) {
        throw FhirException.badRequest("The input " + shown + " is outside --import-dir " + dir + ".");
      }
      return resolved;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not resolve --import-dir " + dir, e);
    }
  }

  /**
   * A file below --import-dir ({@code dir}); {@code shown}, its URL as messages show it ({@link HttpUrls#redacted}).
   */
  private record FileSource(String shown, Path file, Path dir) implements ImportSources.Source {
    @Override
    public void check(String etag) {
      version(etag);
    }

    /**
     * The file's version ({@link UnchangedFile#version}), which must be {@code etag} when one is given: a 412
     * otherwise, as for a blob.
     */
    private String version(String etag) {
      // Again at each opening: the file may have been replaced by a symbolic link out of the folder since.
      checkInside(dir, shown, file);
      String version;
      int links = 1;
      try {
        version = Files.isRegularFile(file) && Files.isReadable(file) ? UnchangedFile.version(file) : null;
        // A hard link made inside the folder to a file outside it is a path below the folder, and nothing tells
        // where a file's other links are: an input of several is refused (a link made since too, at each opening).
        links = version == null ? 1 : links(file.toRealPath());
      } catch (IOException e) {
        version = null; // gone since it was seen
      }
      if (version == null) {
        throw new FhirException(400, IssueType.NOTFOUND, "The input " + shown + " is not a readable file.");
      }
      if (links > 1) {
        throw FhirException.badRequest("The input " + shown + " has " + links + " hard links: the others may be"
            + " outside --import-dir, which this server cannot check. Import a copy of the file (cp, not ln).");
      }
      if (etag != null && !ETags.same(etag, version)) {
        throw FhirException.preconditionFailed("The input " + shown + " has ETag " + version + ", not " + etag + ".");
      }
      return version;
    }

    /**
     * The file's key (its device and inode) where the file system has one, else where it is, symbolic links
     * resolved: the same file however its URL spells its path.
     */
    @Override
    public String identity() {
      try {
        Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        return key != null ? key.toString() : file.toRealPath().toString();
      } catch (IOException e) {
        return file.toString(); // gone since its check: its read will say so
      }
    }

    /**
     * The file opened as one version ({@link UnchangedFile}); a file gone since the kick-off fails its input as the
     * kick-off would: reading it again would not help. The file opened is the one checked ({@link #openChecked}).
     */
    @Override
    public ImportSources.Opened open(String etag) throws IOException {
      String version = version(etag); // taken first: a change after it shows at the first read
      Path real = checkInside(dir, shown, file);
      Object checked = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
      InputStream in = Channels.newInputStream(openChecked(real, checked));
      return new ImportSources.Opened(new UnchangedFile(in, file, version), version);
    }
  }
}
