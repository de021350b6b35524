package io.brazier.proxy.upstream;

import io.brazier.client.RequestHeaders;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.proxy.Processors;
import io.brazier.server.FhirInteraction;
import io.brazier.proxy.isolation.UpstreamIsolation;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.Interceptor;
import io.brazier.server.StreamedAnswer;
import io.brazier.server.http.Queries;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /fhir/*} of the standalone proxy: a request is classified ({@link PathShape}), passes the same security
 * checks as in {@code serve --auth} (their {@code before} steps: authentication, authorization), goes to the upstream
 * ({@link Forwarding}) and its answer streams back with the upstream's base URL replaced by the proxy's. A refusal
 * or an upstream that cannot be reached is an OperationOutcome, after the checks' {@code after} steps (which add
 * {@code WWW-Authenticate} to a 401). Between the checks and the upstream, every request takes the one chain of
 * {@link ProcessorExchange}: the processors, and isolation's stage for a request the checks restricted.
 */
public final class ProxyEndpoint {
  private static final Logger log = LoggerFactory.getLogger(ProxyEndpoint.class);
  public static final String BASE = "/fhir";
  private static final Set<String> REPLAYED = Set.of("PUT", "DELETE");
  /** The largest answer that is sent in one write, once all of it is in, rather than streamed. */
  private static final int WHOLE_BYTES = 64 * 1024;
  private static final int COPY_BYTES = 16 * 1024;

  private final Fhir fhir;
  private final List<Interceptor> checks;
  private final Forwarding forwarding;
  private final Exchange exchange;
  private final BundleEntryChecks entries;
  private final ProxyAddress address;
  private final long maxBufferedBytes;

  /**
   * @param checks the security interceptors, in order, {@code isolation} among them
   * @param processors the processor chain around the upstream
   * @param maxBufferedBytes the largest body of a request that may be sent again (PUT, DELETE), held to retry it,
   *     whose entries are checked (a batch or transaction), that isolation restricts, held to check it, or that a
   *     pre-processor reads
   */
  public ProxyEndpoint(Fhir fhir, List<Interceptor> checks, UpstreamIsolation isolation, Forwarding forwarding,
      Processors processors, ProxyAddress address, long maxBufferedBytes) {
    this.fhir = fhir;
    this.checks = List.copyOf(checks);
    this.forwarding = forwarding;
    this.exchange = new ProcessorExchange(processors, isolation, forwarding, fhir, this::checked, maxBufferedBytes);
    this.entries = new BundleEntryChecks(fhir);
    this.address = address;
    this.maxBufferedBytes = maxBufferedBytes;
  }

  public void handle(Context ctx) {
    String base = address.baseUrl(ctx);
    FhirRequest request = null;
    try {
      // Not Javalin's queryParamMap, which drops a pair with a broken percent escape: a search or delete widened.
      request = PathShape.classify(new FhirRequest(ctx.method().name(), segments(ctx), Queries.parse(ctx.queryString()),
          RequestHeaders.of(ctx.req()::getHeaders), null, base));
      boolean whole = isCheckedWhole(request);
      Upstream.Body held = whole ? body(ctx, true) : null;
      FhirRequest checked = checked(whole ? request.withBody(held.bytes()) : request);
      UpstreamAnswer answer = exchange.exchange(checked, headerNames(ctx), address.client(ctx),
          whole ? held : body(ctx, false));
      write(ctx, request, answer, base);
    } catch (FhirException e) {
      refuse(ctx, request, e);
    }
  }

  /**
   * Whether the checks read the request's body: a batch or transaction's entries, and the parameters of a
   * {@code POST _search}, whose includes, chains and granular scopes' parameters are checked as a GET's query is.
   */
  private static boolean isCheckedWhole(FhirRequest request) {
    return switch (request.interaction()) {
      case BUNDLE -> true;
      case SEARCH_TYPE, SEARCH_SYSTEM, SEARCH_COMPARTMENT -> request.method().equals("POST");
      default -> false;
    };
  }

  /** The request through the security checks; a batch or transaction's entries each through them too. */
  private FhirRequest checked(FhirRequest request) {
    FhirRequest current = request;
    for (Interceptor check : checks) {
      current = check.before(current);
    }
    if (current.interaction() == FhirInteraction.BUNDLE && current.hasBody()) {
      entries.check(current, this::checked);
    }
    return current;
  }

  /** The names of the request's headers (not a map of their values, which the checks read as they need them). */
  private static Set<String> headerNames(Context ctx) {
    Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    ctx.req().getHeaderNames().asIterator().forEachRemaining(names::add);
    return names;
  }

  private static List<String> segments(Context ctx) {
    String path = ctx.path();
    return path.length() > BASE.length() ? Queries.segments(path.substring(BASE.length())) : List.of();
  }

  /**
   * A body that may be sent again (a resource) or that must be checked ({@code whole}: a bundle's entries) is held;
   * any other streams through, once.
   */
  private Upstream.Body body(Context ctx, boolean whole) {
    long length = ctx.contentLength();
    String encoding = ctx.header("Transfer-Encoding");
    if (length <= 0 && encoding == null) {
      return Upstream.Body.NONE;
    }
    Upstream.Body body;
    try {
      body = new Upstream.Body(null, ctx.req().getInputStream(), length);
    } catch (IOException e) {
      throw FhirException.badRequest("The request body could not be read: " + e.getMessage());
    }
    return whole || REPLAYED.contains(ctx.method().name()) ? body.held(maxBufferedBytes) : body;
  }

  /**
   * Sends the upstream's answer on (see {@link StreamedAnswer}): an upstream that breaks off before the body's first
   * byte is a 502; after it, the client's connection is aborted, so that a cut-off body never ends as if whole.
   */
  private void write(Context ctx, FhirRequest request, UpstreamAnswer answer, String base) {
    ctx.status(answer.status());
    answer.headers().forEach(ctx::header);
    try (InputStream in = answer.body()) {
      if (!ctx.method().name().equals("HEAD")) {
        StreamedAnswer.send(ctx, () -> output(ctx), out -> body(ctx, in, answer.length(), base, out), failure -> {
          ctx.res().reset(); // the upstream's status and headers (its length, its type) are not the outcome's
          refuse(ctx, request, new FhirException(502, IssueType.TRANSIENT, "The upstream's answer broke off: "
              + failure.getMessage()));
        });
      }
    } catch (IOException e) {
      log.debug("The upstream's answer could not be closed path={}: {}", ctx.path(), e.getMessage());
    }
  }

  private static OutputStream output(Context ctx) {
    try {
      return ctx.res().getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes the body: a small one, all there already, in one write with its Content-Length (rewritten when it holds
   * the upstream's base URL), rather than chunked; any other as it comes, rewritten as it passes. Only a body read to
   * its end is closed, which ends the answer: one cut off must not end as if whole.
   */
  private void body(Context ctx, InputStream in, long length, String base, OutputStream out) throws IOException {
    Start start = start(in, length);
    if (start.whole()) {
      byte[] rewritten = BaseUrlRewriting.rewrite(start.bytes(), forwarding.upstreamBase(), base);
      ctx.res().setContentLength(rewritten.length);
      out.write(rewritten);
      return;
    }
    OutputStream rewriting = new BaseUrlRewriting(out, forwarding.upstreamBase(), base);
    copy(start.bytes(), in, rewriting, length);
    rewriting.close();
  }

  /** What was read of an answer before writing it: all of it ({@code whole}), or its start. */
  private record Start(byte[] bytes, boolean whole) {}

  /**
   * Reads an answer whole when it is small: its length says so, or it all came without a pause (a chunked one).
   * Anything else (larger, or the upstream still writing) streams on from what was read.
   */
  private static Start start(InputStream in, long length) throws IOException {
    if (length > WHOLE_BYTES) {
      return new Start(new byte[0], false);
    }
    if (length >= 0) {
      byte[] whole = in.readNBytes((int) length);
      in.read(); // its end: the answer is then complete, and its connection goes back to the pool, not closed
      return new Start(whole, true);
    }
    ByteArrayOutputStream held = new ByteArrayOutputStream(COPY_BYTES);
    byte[] buffer = new byte[COPY_BYTES];
    while (held.size() <= WHOLE_BYTES) {
      int read = in.read(buffer);
      if (read < 0) {
        return new Start(held.toByteArray(), true);
      }
      held.write(buffer, 0, read);
      if (!AnswerBody.ready(in)) {
        break;
      }
    }
    return new Start(held.toByteArray(), false);
  }

  /**
   * Copies as it comes, after its {@code start}, flushing whenever the upstream has sent nothing more yet: a slow
   * export or a waiting {@code $changes} reaches the client as the upstream writes it, not when buffers fill. Once
   * all of the body is in, closing sends the rest, without a flush of its own first.
   */
  private static void copy(byte[] start, InputStream in, OutputStream out, long length) throws IOException {
    out.write(start);
    long copied = start.length;
    byte[] buffer = new byte[COPY_BYTES];
    while (true) {
      if (copied > 0 && copied != length && !AnswerBody.ready(in)) {
        out.flush();
      }
      int read = in.read(buffer);
      if (read < 0) {
        return;
      }
      out.write(buffer, 0, read);
      copied += read;
    }
  }

  private void refuse(Context ctx, FhirRequest request, FhirException refusal) {
    FhirResponse response = FhirResponse.of(refusal.status(), refusal.outcome());
    if (request != null) {
      for (int i = checks.size() - 1; i >= 0; i--) {
        response = checks.get(i).after(request, response);
      }
    }
    ctx.status(response.status());
    response.headers().forEach(ctx::header);
    ctx.contentType("application/fhir+json;charset=utf-8");
    ctx.result(fhir.jsonParser().encodeResourceToString(response.resource()).getBytes(StandardCharsets.UTF_8));
  }
}
