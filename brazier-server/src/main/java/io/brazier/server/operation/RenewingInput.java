package io.brazier.server.operation;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.BooleanSupplier;

/**
 * The bytes of an input as an import's run reads them. A run renews its job's lease, and learns that it was
 * cancelled or taken over, as it stages a batch; a line that takes long to read (megabytes over a slow link, or a
 * line that never ends) would otherwise keep the run reading past its lease, and past a cancel, for ever. So a read
 * that comes {@value #RENEWAL_MILLIS} ms after the last renewal renews the lease, and once the run has stopped,
 * reads fail: the run ends.
 */
final class RenewingInput extends FilterInputStream {
  private static final long RENEWAL_MILLIS = 5_000;

  private final Runnable renew;
  private final BooleanSupplier stopped;
  private long renewed = System.nanoTime();

  /** {@code renew}: renews the lease (and finds the run stopped), on the reading thread. */
  RenewingInput(InputStream in, Runnable renew, BooleanSupplier stopped) {
    super(in);
    this.renew = renew;
    this.stopped = stopped;
  }

  @Override
  public int read() throws IOException {
    checkRun();
    return super.read();
  }

  @Override
  public int read(byte[] bytes, int offset, int length) throws IOException {
    checkRun();
    return super.read(bytes, offset, length);
  }

  private void checkRun() throws IOException {
    long now = System.nanoTime();
    if (now - renewed >= RENEWAL_MILLIS * 1_000_000) {
      renewed = now;
      renew.run();
    }
    if (stopped.getAsBoolean()) {
      throw new IOException("the import stopped");
    }
  }
}
