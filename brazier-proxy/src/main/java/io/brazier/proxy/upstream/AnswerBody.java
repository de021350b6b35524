package io.brazier.proxy.upstream;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Response;

/**
 * The body of an upstream's answer as it arrives, which also knows when all of it has: the proxy then sends a small
 * answer the upstream sent chunked in one write with its length, rather than flushing it in parts.
 */
final class AnswerBody extends FilterInputStream {
  private final Listener listener;

  private AnswerBody(Listener listener) {
    super(listener.getInputStream());
    this.listener = listener;
  }

  /** Jetty's listener of an answer that streams in, and records its end. */
  static final class Listener extends InputStreamResponseListener {
    private volatile boolean complete;

    @Override
    public void onSuccess(Response response) {
      super.onSuccess(response); // the end is queued behind the content first
      complete = true;
    }

    AnswerBody body() {
      return new AnswerBody(this);
    }
  }

  /** Whether the upstream has sent all of the answer: reading what is left cannot wait for it. */
  boolean complete() {
    return listener.complete;
  }

  /** Whether a read of {@code in} will not wait for the upstream: more of it is there, or all of it is. */
  static boolean ready(InputStream in) throws IOException {
    return in.available() > 0 || in instanceof AnswerBody body && body.complete();
  }
}
