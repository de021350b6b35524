package io.brazier.server;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Supplier;

/**
 * The client's end of a streamed answer. It tells the two ways a stream fails apart: a write to the client that fails
 * (the client stopped reading) is remembered here; any other failure is the source's. It opens the response's stream
 * at the first byte, so that a source failing before it can still be answered with an OperationOutcome.
 */
final class ClientOutput extends OutputStream {
  private final Supplier<OutputStream> response;
  private OutputStream out;
  private long written;
  private boolean failed;

  ClientOutput(Supplier<OutputStream> response) {
    this.response = response;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    if (length == 0) {
      return;
    }
    try {
      open().write(bytes, offset, length);
      written += length;
    } catch (IOException e) {
      failed = true;
      throw e;
    }
  }

  @Override
  public void flush() throws IOException {
    if (out != null) {
      client(OutputStream::flush);
    }
  }

  @Override
  public void close() throws IOException {
    open();
    client(OutputStream::close);
  }

  /** Whether the body began: the status line may have gone since, and a failure can only abort the connection. */
  boolean started() {
    return out != null;
  }

  /** Whether writing to the client failed: the client stopped reading, the source is fine. */
  boolean clientFailed() {
    return failed;
  }

  /** The bytes handed to the client. */
  long written() {
    return written;
  }

  private OutputStream open() {
    if (out == null) {
      out = response.get();
    }
    return out;
  }

  private void client(Step step) throws IOException {
    try {
      step.run(out);
    } catch (IOException e) {
      failed = true;
      throw e;
    }
  }

  @FunctionalInterface
  private interface Step {
    void run(OutputStream out) throws IOException;
  }
}
