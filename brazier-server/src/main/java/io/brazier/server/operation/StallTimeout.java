package io.brazier.server.operation;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The body of an http(s) input, a read of which fails once it has waited longer than a timeout for a byte: the HTTP
 * client bounds the wait for an answer's headers, not for its body, and a source that stops sending would otherwise
 * hold the import, and its node's job runner, for ever. A watchdog closes the stream under a read that waits too long,
 * which ends that read; the reader then reads the input again from where it broke off. A read that fails otherwise
 * says that the answer broke off: the HTTP client's own word for it is a bare "closed".
 */
final class StallTimeout extends FilterInputStream {
  private static final long NOT_READING = Long.MIN_VALUE;

  private final Duration timeout;
  private final ScheduledFuture<?> watch;
  /** When the read under way started ({@link System#nanoTime}), or {@link #NOT_READING}. */
  private volatile long readingSince = NOT_READING;
  private volatile boolean stalled;

  StallTimeout(InputStream in, Duration timeout, ScheduledExecutorService watchdog) {
    super(in);
    this.timeout = timeout;
    long period = Math.max(1, timeout.toMillis() / 4);
    this.watch = watchdog.scheduleWithFixedDelay(this::closeIfStalled, period, period, TimeUnit.MILLISECONDS);
  }

  @Override
  public int read() throws IOException {
    readingSince = System.nanoTime();
    try {
      return super.read();
    } catch (IOException e) {
      throw failure(e);
    } finally {
      readingSince = NOT_READING;
    }
  }

  @Override
  public int read(byte[] bytes, int offset, int length) throws IOException {
    readingSince = System.nanoTime();
    try {
      return super.read(bytes, offset, length);
    } catch (IOException e) {
      throw failure(e);
    } finally {
      readingSince = NOT_READING;
    }
  }

  private void closeIfStalled() {
    long since = readingSince;
    if (since != NOT_READING && System.nanoTime() - since > timeout.toNanos()) {
      stalled = true;
      watch.cancel(false);
      try {
        in.close();
      } catch (IOException e) {
        // the read under way fails either way
      }
    }
  }

  private IOException failure(IOException e) {
    String waited = timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    return new IOException(stalled ? "the source sent nothing for " + waited
        : "the answer broke off before its end (" + ImportSources.reason(e) + ")", e);
  }

  @Override
  public void close() throws IOException {
    watch.cancel(false);
    super.close();
  }
}
