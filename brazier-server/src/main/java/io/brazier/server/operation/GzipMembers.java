package io.brazier.server.operation;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The bytes of a gzip input for Java's GZIPInputStream, so that it reads every member of it ({@code cat a.gz b.gz},
 * a bgzip file of thousands, a server that gzips page by page). Where a member ends, GZIPInputStream reads on only
 * if its input says that bytes are available (JDK-7036144); a network's stream (http, a blob read in ranges) may have
 * none yet, and the lines of the members after would be lost without a word. So {@link #available} here waits for
 * the next byte.
 */
final class GzipMembers extends FilterInputStream {
  /** {@code in}: a stream that supports mark, so that the byte waited for is read again. */
  GzipMembers(InputStream in) {
    super(in);
    if (!in.markSupported()) {
      throw new IllegalArgumentException("GzipMembers needs a stream that supports mark");
    }
  }

  /** The bytes available at once; or 1 if none is but one more comes, waiting for it; 0 at the end. */
  @Override
  public int available() throws IOException {
    int available = in.available();
    if (available > 0) {
      return available;
    }
    in.mark(1);
    int next = in.read();
    in.reset();
    return next < 0 ? 0 : 1;
  }
}
