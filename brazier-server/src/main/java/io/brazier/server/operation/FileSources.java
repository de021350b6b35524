package io.brazier.server.operation;

import io.brazier.client.HttpUrls;
import io.brazier.fhir.FhirException;
import io.brazier.server.http.ETags;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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

  /** A 400 unless {@code file}, symbolic links resolved, is below {@code dir}: a link inside may not lead out of it. */
  private static void checkInside(Path dir, String shown, Path file) {
    try {
      Path root = dir.toRealPath();
      Path resolved = Files.exists(file) ? file.toRealPath() : file.normalize();
      if (!resolved.startsWith(root) && !resolved.startsWith(dir.normalize())) {
        throw FhirException.badRequest("The input " + shown + " is outside --import-dir " + dir + ".");
      }
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
        links = version == null ? 1 : links();
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
     * How many hard links the file has; 1 where the file system counts none (no {@code unix} view). A hard link made
     * inside the folder to a file outside it is a path below the folder, and nothing tells where a file's other links
     * are: an input of several is refused, at the kick-off and at each opening (a link made since is refused too).
     */
    private int links() throws IOException {
      try {
        return (Integer) Files.getAttribute(file, "unix:nlink");
      } catch (UnsupportedOperationException e) {
        return 1;
      }
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
     * kick-off would: reading it again would not help.
     */
    @Override
    public ImportSources.Opened open(String etag) throws IOException {
      String version = version(etag); // taken first: a change after it shows at the first read
      return new ImportSources.Opened(new UnchangedFile(Files.newInputStream(file), file, version), version);
    }
  }
}
