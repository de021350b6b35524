package io.brazier.server.operation;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The lines of an NDJSON input as bytes, read as the input streams in, so that an input of any size takes the
 * memory of one line: numbered from 1 (blank lines are skipped but counted, so numbers match an editor's), a
 * {@code \r\n} ending and a leading byte order mark accepted, and a line longer than {@code maxBytes} reported as
 * such without being held.
 */
final class NdjsonLines implements AutoCloseable {
  /**
   * UTF-8's byte order mark, which editors put at the start of a file (and so of a line, when files are joined):
   * no part of the line, so that a line of nothing else is blank, as an empty file saved with one is empty.
   */
  private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private final InputStream in;
  private final int maxBytes;
  private final byte[] buffer = new byte[1 << 16];
  private int position;
  private int limit;
  private long number;
  private byte[] line = new byte[1 << 12];

  /** A line: its number and bytes (without the line end), or only its number when it is too long. */
  record Line(long number, byte[] bytes, boolean tooLong) {}

  NdjsonLines(InputStream in, int maxBytes) {
    this.in = in;
    this.maxBytes = maxBytes;
  }

  /** The next line that is not blank, or null at the end of the input. */
  Line next() throws IOException {
    while (true) {
      int length = 0;
      boolean tooLong = false;
      boolean ended = false;
      while (!ended) {
        if (position == limit && !fill()) {
          if (length == 0 && !tooLong) {
            return null;
          }
          break;
        }
        int end = indexOf('\n');
        int stop = end < 0 ? limit : end;
        int count = stop - position;
        if (!tooLong && (long) length + count > maxBytes + 1L) { // + 1: a \r ending the line is not part of it
          tooLong = true;
        }
        if (!tooLong) {
          append(length, count);
          length += count;
        }
        position = end < 0 ? limit : end + 1;
        ended = end >= 0;
      }
      number++;
      if (length > 0 && line[length - 1] == '\r') {
        length--;
      }
      tooLong |= length > maxBytes;
      if (tooLong) {
        return new Line(number, null, true);
      }
      int start = startsWithByteOrderMark(length) ? BYTE_ORDER_MARK.length : 0;
      if (!blank(start, length)) {
        return new Line(number, Arrays.copyOfRange(line, start, length), false);
      }
    }
  }

  /** The number of the last line read. */
  long number() {
    return number;
  }

  private boolean fill() throws IOException {
    int read = in.read(buffer);
    position = 0;
    limit = Math.max(read, 0);
    return read > 0;
  }

  private int indexOf(char c) {
    for (int i = position; i < limit; i++) {
      if (buffer[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private void append(int length, int count) {
    if (length + count > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
    }
    System.arraycopy(buffer, position, line, length, count);
  }

  private boolean startsWithByteOrderMark(int length) {
    return length >= BYTE_ORDER_MARK.length && Arrays.equals(line, 0, BYTE_ORDER_MARK.length, BYTE_ORDER_MARK, 0,
        BYTE_ORDER_MARK.length);
  }

  private boolean blank(int start, int length) {
    for (int i = start; i < length; i++) {
      if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
