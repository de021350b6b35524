package io.brazier.server.operation;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * The bytes of a file as one version of it: a read that finds the file written to (or replaced) since its opening
 * fails, rather than hand on bytes of another version, as a read of a blob changed meanwhile fails. An import then
 * reads the input again, from the line it reached, only if that line is still of the version its lines were read
 * from ({@link ImportReader}), so that the lines of an input are all of one version.
 */
final class UnchangedFile extends FilterInputStream {
  private final Path file;
  private final String version;

  /** {@code in}: the bytes of {@code file}, opened after its {@link #version} was taken. */
  UnchangedFile(InputStream in, Path file, String version) {
    super(in);
    this.file = file;
    this.version = version;
  }

  /**
   * A file's version as a web server's ETag (nginx's) says it: its last-modified time (to the nanosecond, as far as
   * its file system keeps it) and its size, in hex. Its content is not hashed: that would read a file of gigabytes
   * twice.
   */
  static String version(Path file) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    return "\"" + Long.toHexString(attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS)) + "-"
        + Long.toHexString(attributes.size()) + "\"";
  }

  @Override
  public int read() throws IOException {
    int read = super.read();
    checkUnchanged();
    return read;
  }

  /** Checked after the read: bytes read before the file was seen unchanged are of the version opened. */
  @Override
  public int read(byte[] bytes, int offset, int length) throws IOException {
    int read = super.read(bytes, offset, length);
    checkUnchanged();
    return read;
  }

  private void checkUnchanged() throws IOException {
    if (!version.equals(version(file))) {
      throw new IOException("the file changed while it was read");
    }
  }
}
