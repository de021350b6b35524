package io.brazier.proxy.upstream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Blocker;

/**
 * The body of an upstream's answer, read by the thread that forwards it straight from Jetty's parser rather than
 * through a queue that Jetty's thread fills: what has arrived is read without waking any other thread, and a read
 * parks only when the upstream has sent nothing more yet. It also tells, without waiting, whether a read would wait
 * ({@link #ready}), so that a small answer that is all there goes back in one write with its length.
 */
final class AnswerBody extends InputStream {
  /**
   * The longest wait, once the body's end is read, for Jetty to end the exchange: it puts the connection back in the
   * pool first, so a request that the end of this answer lets a client send finds it there (not a second one).
   */
  private static final long COMPLETION_MILLIS = 1_000;
  private final Content.Source source;
  private final CountDownLatch completed;
  private final Blocker.Shared waiting = new Blocker.Shared();
  /** The chunk being read, null when the next one has not been taken from the source. */
  private Content.Chunk chunk;
  private boolean ended;

  private AnswerBody(Content.Source source, CountDownLatch completed) {
    this.source = source;
    this.completed = completed;
  }

  /**
   * Jetty's listener of one answer: it wakes the thread waiting for the answer once, when the headers are in, and
   * hands it the body's source to read from.
   */
  static final class Listener implements Response.Listener {
    private final CountDownLatch headed = new CountDownLatch(1);
    private final CountDownLatch completed = new CountDownLatch(1);
    private volatile Response response;
    private volatile AnswerBody body;
    private volatile Throwable failure;

    @Override
    public void onContentSource(Response response, Content.Source source) {
      this.body = new AnswerBody(source, completed);
      this.response = response;
      headed.countDown();
    }

    @Override
    public void onComplete(Result result) {
      failure = result.getFailure();
      headed.countDown(); // an answer that failed before its headers (or came without a body) ends the wait too
      completed.countDown();
    }

    /** The answer once its headers are in; its body is {@link #body}. */
    Response get(long timeout, TimeUnit unit) throws InterruptedException, TimeoutException, ExecutionException {
      if (!headed.await(timeout, unit)) {
        throw new TimeoutException();
      }
      if (response == null) {
        throw new ExecutionException(failure != null ? failure : new IOException("The answer came without a body"));
      }
      return response;
    }

    AnswerBody body() {
      return body;
    }
  }

  /** Whether a read of {@code in} will not wait for the upstream: more of it is there, or its end is. */
  static boolean ready(InputStream in) throws IOException {
    return in instanceof AnswerBody body ? body.ready() : in.available() > 0;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] bytes, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    while (!ended) {
      Content.Chunk current = next();
      if (current.hasRemaining()) {
        int read = Math.min(length, current.remaining());
        current.getByteBuffer().get(bytes, offset, read);
        return read;
      }
      consume();
    }
    return -1;
  }

  @Override
  public int available() throws IOException {
    return !ended && arrived() ? chunk.remaining() : 0;
  }

  /** Whether a read will not wait for the upstream: more of the body is here, or its end is. */
  boolean ready() throws IOException {
    while (!ended && arrived()) {
      if (chunk.hasRemaining() || chunk.isLast()) {
        return true;
      }
      consume(); // an empty chunk that is not the end
    }
    return ended;
  }

  /**
   * An answer read to its end, or whose end is here already, leaves its connection to the pool; one left before its
   * end is aborted, which closes the connection, as the rest of it may still come.
   */
  @Override
  public void close() {
    try {
      if (ready() && !ended && !chunk.hasRemaining()) {
        consume(); // the end, already here
      }
    } catch (IOException e) {
      ended = true; // the answer failed: Jetty has closed its connection
    }
    if (!ended) {
      source.fail(new IOException("The proxy stopped reading the upstream's answer before its end"));
    }
    if (chunk != null) {
      chunk.release();
      chunk = null;
    }
    ended = true;
  }

  /** The chunk to read from, waiting until the upstream sends one. */
  private Content.Chunk next() throws IOException {
    while (!arrived()) {
      try (Blocker.Runnable more = waiting.runnable()) {
        source.demand(more);
        more.block();
      }
    }
    return chunk;
  }

  /** Whether a chunk is here to read, taking it from the source if it has just come; never waits. */
  private boolean arrived() throws IOException {
    if (chunk == null) {
      Content.Chunk read = source.read();
      if (Content.Chunk.isFailure(read)) {
        // Jetty's EofException says so in a dump of the connection's state, not in a sentence.
        String why = read.getFailure() instanceof EOFException ? "the upstream closed the connection"
            : read.getFailure().getMessage();
        throw new IOException("The upstream's answer broke off: " + why, read.getFailure());
      }
      chunk = read;
    }
    return chunk != null;
  }

  private void consume() {
    ended = chunk.isLast();
    chunk.release();
    chunk = null;
    if (ended) {
      awaitCompletion();
    }
  }

  /** Waits for Jetty to end the exchange, which has released its connection to the pool by then. */
  private void awaitCompletion() {
    try {
      completed.await(COMPLETION_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
