package io.brazier.server.operation;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The bytes a gzip input holds, every member of it ({@code cat a.gz b.gz}, a bgzip file of thousands, a server that
 * gzips page by page), through Java's GZIPInputStream, but without the two ways it ends an input early without a
 * word. Where a member ends, it reads on only if its input says that bytes are available (JDK-7036144), and a
 * network's stream (http, a blob read in ranges) may have none yet: here the input waits for the next byte
 * ({@link Waiting}). And bytes after a member that start no other (another file joined to it) it takes for the end:
 * here they fail the read, as a gzip stream cut short does.
 */
final class GzipMembers extends GZIPInputStream {
  /** A member's trailer: its CRC-32 and size, 4 bytes each. */
  private static final int TRAILER_BYTES = 8;

  private final Waiting input;

  /** {@code in}: a stream that supports mark, so that the byte waited for is read again. */
  GzipMembers(InputStream in) throws IOException {
    this(new Waiting(in));
  }

  private GzipMembers(Waiting input) throws IOException {
    super(input, 1 << 16);
    this.input = input;
  }

  /**
   * At the end, GZIPInputStream has looked for another member after the last one's trailer: in the bytes it holds
   * still, or, having asked whether its input has more, in those. Either found some that start no member.
   */
  @Override
  public int read(byte[] bytes, int offset, int length) throws IOException {
    int read = super.read(bytes, offset, length);
    if (read < 0 && (inf.getRemaining() > TRAILER_BYTES || input.more)) {
      throw new ZipException("its gzip stream is followed by bytes that start no other gzip stream");
    }
    return read;
  }

  /** An input whose {@link #available} waits for the next byte when none is available at once. */
  private static final class Waiting extends FilterInputStream {
    /** What the last {@link #available} said: whether more bytes come. */
    private boolean more;

    Waiting(InputStream in) {
      super(in);
      if (!in.markSupported()) {
        throw new IllegalArgumentException("GzipMembers needs a stream that supports mark");
      }
    }

    /** The bytes available at once; or 1 if none is but one more comes, waiting for it; 0 at the end. */
    @Override
    public int available() throws IOException {
      int available = in.available();
      if (available <= 0) {
        in.mark(1);
        available = in.read() < 0 ? 0 : 1;
        in.reset();
      }
      more = available > 0;
      return available;
    }
  }
}
