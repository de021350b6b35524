package io.brazier.proxy.upstream;

import io.brazier.fhir.FhirException;
import io.brazier.proxy.isolation.AnswerFormat;
import io.brazier.proxy.isolation.UpstreamIsolation;
import io.brazier.server.FhirRequest;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;

/**
 * The exchange of a request that isolation restricts ({@link UpstreamIsolation}): unlike others, its body and the
 * upstream's answer are held whole, as the write is checked before it goes and the answer before it is passed on.
 */
final class IsolatedExchange {
  private final UpstreamIsolation isolation;
  private final Forwarding forwarding;
  private final long maxBodyBytes;

  IsolatedExchange(UpstreamIsolation isolation, Forwarding forwarding, long maxBodyBytes) {
    this.isolation = isolation;
    this.forwarding = forwarding;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** Answers {@code ctx}: {@code asked} as the client sent it, {@code checked} as security let it through. */
  void handle(Context ctx, FhirRequest asked, FhirRequest checked, Set<String> headerNames, String client,
      String base) throws IOException {
    byte[] body = body(ctx);
    FhirRequest sent = isolation.checkedWrite(checked, body);
    Upstream.Body upstreamBody = body == null ? Upstream.Body.NONE : new Upstream.Body(body, null, body.length);
    UpstreamAnswer answer = forwarding.exchange(sent, headerNames, client, upstreamBody);
    byte[] answered;
    try (InputStream in = answer.body()) {
      answered = in.readAllBytes();
    }
    AnswerFormat.Encoded encoded = isolation.answer(asked, sent, answer.status(), answered);
    ctx.status(answer.status());
    answer.headers().forEach(ctx::header);
    if (encoded.contentType() != null) {
      ctx.contentType(encoded.contentType());
    }
    try (OutputStream out = new BaseUrlRewriting(ctx.res().getOutputStream(), forwarding.upstreamBase(), base)) {
      out.write(encoded.body());
    }
  }

  private byte[] body(Context ctx) throws IOException {
    if (ctx.contentLength() <= 0 && ctx.header("Transfer-Encoding") == null) {
      return null;
    }
    byte[] bytes = ctx.req().getInputStream().readNBytes((int) Math.min(maxBodyBytes + 1, Integer.MAX_VALUE - 8));
    if (bytes.length > maxBodyBytes) {
      throw FhirException.tooLarge("The body is larger than " + maxBodyBytes + " bytes (--max-body-bytes).");
    }
    return bytes;
  }
}
