package io.brazier.loader.send;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * Refuses a line longer than {@code limit} characters as it passes, so that reading lines never holds one beyond
 * that: a file of one line without end (a zip or gzip bomb, a huge file named .ndjson) would fill the heap and stop
 * all loading.
 */
final class LineLimit extends FilterReader {
  private final long limit;
  private long run;

  LineLimit(Reader in, long limit) {
    super(in);
    this.limit = limit;
  }

  @Override
  public int read() throws IOException {
    int read = super.read();
    if (read != -1) {
      count((char) read);
    }
    return read;
  }

  @Override
  public int read(char[] buffer, int offset, int length) throws IOException {
    int read = super.read(buffer, offset, length);
    for (int i = offset; i < offset + read; i++) {
      count(buffer[i]);
    }
    return read;
  }

  private void count(char c) throws IOException {
    run = c == '\n' || c == '\r' ? 0 : run + 1;
    if (run > limit) {
      throw new IOException(String.format("a line is longer than %,d MB, the most the loader holds as one resource"
          + " with its memory (-Xmx%dm); each line holds one resource", limit >> 20,
          Runtime.getRuntime().maxMemory() >> 20));
    }
  }
}
