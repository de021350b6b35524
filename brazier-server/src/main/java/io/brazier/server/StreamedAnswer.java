package io.brazier.server;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a body to an HTTP client as its source writes it: a streamed FHIR answer (an export file, an import's
 * errors), or the upstream's answer that the standalone proxy copies on. A client that stops reading ends it
 * quietly. A source that fails before the first byte is answered as the caller says (an OperationOutcome); after
 * it, the connection is aborted, never ended as if whole: a client must not take a cut-off file for a complete one.
 * Either is one line in the log: neither is a bug of ours, and the stack trace would only say where the bytes were.
 */
public final class StreamedAnswer {
  private static final Logger log = LoggerFactory.getLogger(StreamedAnswer.class);

  private StreamedAnswer() {}

  /**
   * Writes {@code body} to {@code response}, opened at its first byte.
   *
   * @param beforeFirstByte answers a source that failed before the body began: the status line has not gone yet
   */
  public static void send(Context ctx, Supplier<OutputStream> response, FhirResponse.BodyWriter body,
      Consumer<Exception> beforeFirstByte) {
    ClientOutput out = new ClientOutput(response);
    try {
      body.writeTo(out);
      out.close();
    } catch (IOException | RuntimeException e) {
      if (out.clientFailed()) {
        log.info("Client stopped reading after {} bytes method={} path={}{}: {}", out.written(), ctx.method(),
            ctx.path(), requestId(ctx), e.getMessage());
      } else if (!out.started()) {
        beforeFirstByte.accept(e);
      } else {
        log.warn("Streamed answer failed at its source after {} bytes, connection aborted method={} path={}{}: {}",
            out.written(), ctx.method(), ctx.path(), requestId(ctx), e.getClass().getSimpleName() + ": "
            + e.getMessage());
        abort(ctx, e);
      }
    }
  }

  /** The request's id, when the server gave it one (the standalone proxy does not). */
  private static String requestId(Context ctx) {
    String id = ctx.attribute("requestId");
    return id == null ? "" : " requestId=" + id;
  }

  /**
   * Aborts the connection (Jetty's {@code ServletChannel.abort}): a broken chunked (or gzip) stream, never a clean
   * end. Jetty then takes the request for an asynchronous one ({@code isAsyncStarted}), and Javalin, as the handler
   * returns, completes its AsyncContext, which only a request put in async mode has: without one, Javalin fails on
   * the aborted request and logs an error with a stack trace. So the request is put in async mode first.
   */
  private static void abort(Context ctx, Exception failure) {
    ctx.req().startAsync();
    ServletContextRequest.getServletContextRequest(ctx.req()).getServletChannel().abort(failure);
  }
}
