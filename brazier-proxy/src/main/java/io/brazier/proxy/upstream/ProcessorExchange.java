package io.brazier.proxy.upstream;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.proxy.CallerReach;
import io.brazier.proxy.Processors;
import io.brazier.proxy.ProxyRequest;
import io.brazier.proxy.ProxyResponse;
import io.brazier.proxy.Step;
import io.brazier.proxy.isolation.UpstreamIsolation;
import io.brazier.server.FhirRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The one chain a checked request takes to the upstream and back: isolation's stage ({@link IsolationStage})
 * around the processors ({@link Processors}) around {@link Forwarding#exchange}, as {@code serve --auth} runs
 * isolation and then the processors around its interactions. For a restricted caller, isolation narrows or checks
 * what goes on and checks every answer that comes back; the pre-processors see the checked request, its body read
 * whole, and may change it or answer it; the post-processors see every answer. The upstream's answer is read, and
 * written again in the client's format, only when a processor asks for its resource; otherwise it streams through
 * as without processors. A processor reaches the upstream as the proxy ({@link ProxyRequest#upstream()}: no checks,
 * no chain) or as the caller ({@link ProxyRequest#asCaller()}: the checks and the whole chain again).
 */
final class ProcessorExchange implements Exchange {
  private final Processors processors;
  private final Forwarding forwarding;
  private final Exchange chain;
  private final Fhir fhir;
  private final UnaryOperator<FhirRequest> checks;
  private final CallerReach reach;
  private final long maxBodyBytes;

  /**
   * @param checks the security checks a request from the caller passes (their {@code before} steps), which give a
   *     request its restriction for {@code isolation}
   * @param maxBodyBytes the largest body the pre-processors or isolation are given to read (a larger one is a 413)
   */
  ProcessorExchange(Processors processors, UpstreamIsolation isolation, Forwarding forwarding, Fhir fhir,
      UnaryOperator<FhirRequest> checks, long maxBodyBytes) {
    this.processors = processors;
    this.forwarding = forwarding;
    this.chain = new IsolationStage(isolation, this::processed, maxBodyBytes, forwarding.upstreamBase());
    this.fhir = fhir;
    this.checks = checks;
    this.reach = isolation.reach();
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public UpstreamAnswer exchange(FhirRequest request, Set<String> headerNames, String client, Upstream.Body body) {
    return chain.exchange(request, headerNames, client, body);
  }

  /** The processors around the upstream: the chain within isolation's stage. */
  private UpstreamAnswer processed(FhirRequest request, Set<String> headerNames, String client,
      Upstream.Body body) {
    if (processors.isEmpty()) {
      return forwarding.exchange(request, headerNames, client, body);
    }
    FhirRequest whole = body.bytes() == null && body.stream() == null ? request
        : request.withBody(body.held(maxBodyBytes).bytes());
    ProxyRequest original = ProxyRequest.of(whole, client(forwarding::exchange, whole), client(this::asCaller, whole),
        reach);
    Step step = processors.before(original);
    if (step.answered()) {
      return answer(processors.after(original, step.answer()), null, whole);
    }
    FhirRequest sent = step.request().appliedTo(whole, original);
    Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    names.addAll(headerNames);
    names.addAll(step.request().changedHeaders().keySet());
    Upstream.Body sentBody = sent.hasBody() ? new Upstream.Body(sent.body(), null, sent.body().length)
        : Upstream.Body.NONE;
    LazyAnswer upstream = new LazyAnswer(forwarding.exchange(sent, names, client, sentBody), whole.baseUrl());
    ProxyResponse seen = ProxyResponse.lazy(upstream.answer.status(), upstream.answer.headers(), upstream::bytes,
        upstream::resource);
    ProxyResponse answered = processors.after(step.request(), seen);
    return answer(answered, answered == seen ? upstream : null, whole);
  }

  /** A processor's call as the caller: checked as a client's own request, and through the chain again. */
  private UpstreamAnswer asCaller(FhirRequest request, Set<String> headerNames, String client, Upstream.Body body) {
    return exchange(checks.apply(request), headerNames, client, body);
  }

  private ForwardingClient client(Exchange exchange, FhirRequest request) {
    return new ForwardingClient(fhir, exchange, request.caller(), request.baseUrl(), forwarding.upstreamBase());
  }

  /**
   * What goes back to the client: the upstream's answer as it came when no processor parsed it ({@code upstream} the
   * answer passed on unchanged; streamed, or the bytes a processor read), else the answer's resource in the
   * client's format, or the body read if it held none that is FHIR. (Only the format and {@code _pretty} are
   * applied: an answer the upstream gave has its {@code _summary} and {@code _elements} applied already.)
   */
  private UpstreamAnswer answer(ProxyResponse answered, LazyAnswer upstream, FhirRequest request) {
    Map<String, String> headers = new LinkedHashMap<>(answered.headers());
    if (upstream != null && !upstream.parsed) {
      return upstream.bytes == null
          ? new UpstreamAnswer(answered.status(), headers, upstream.answer.body(), upstream.answer.length())
          : new UpstreamAnswer(answered.status(), headers, new ByteArrayInputStream(upstream.bytes));
    }
    Resource resource = answered.resource();
    byte[] body;
    if (resource != null) {
      Format format = request.responseFormat();
      IParser parser = format == Format.XML ? fhir.xmlParser() : fhir.jsonParser();
      parser.setPrettyPrint(request.pretty());
      body = parser.encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
      headers.keySet().removeIf(name -> name.equalsIgnoreCase("Content-Type"));
      headers.put("Content-Type", format.mediaType() + ";charset=utf-8");
    } else {
      body = upstream != null ? upstream.bytes : new byte[0];
    }
    return new UpstreamAnswer(answered.status(), headers, new ByteArrayInputStream(body));
  }

  /** The upstream's answer, its body read (base URL rewritten) and parsed only when a processor asks. */
  private final class LazyAnswer {
    private final UpstreamAnswer answer;
    private final String baseUrl;
    private final String type;
    private byte[] bytes;
    private boolean parsed;

    LazyAnswer(UpstreamAnswer answer, String baseUrl) {
      this.answer = answer;
      this.baseUrl = baseUrl;
      this.type = contentType(answer);
    }

    /** The answer's body, read once; null for a body that is none, or not FHIR (an NDJSON file is not read). */
    byte[] bytes() {
      if (bytes != null || type == null || type.contains("ndjson")
          || !(type.contains("json") || type.contains("xml"))) {
        return bytes;
      }
      try {
        bytes = ForwardingClient.read(answer.body(), forwarding.upstreamBase(), baseUrl);
      } catch (IOException e) {
        throw new FhirException(502, IssueType.TRANSIENT, "The upstream's answer broke off: " + e.getMessage());
      }
      return bytes;
    }

    /** The answer's FHIR resource; null for a body that is none, or not FHIR. */
    Resource resource() {
      if (bytes() == null) {
        return null;
      }
      parsed = true;
      try {
        IParser parser = type.contains("xml") ? fhir.xmlParser() : fhir.jsonParser();
        parser.setOverrideResourceIdWithBundleEntryFullUrl(false); // re-encoded, ids stay as they came
        return (Resource) parser.parseResource(new String(bytes, StandardCharsets.UTF_8));
      } catch (DataFormatException e) {
        return null; // passed on as it came
      }
    }

    private static String contentType(UpstreamAnswer answer) {
      for (Map.Entry<String, String> header : answer.headers().entrySet()) {
        if (header.getKey().equalsIgnoreCase("Content-Type")) {
          return header.getValue();
        }
      }
      return null;
    }
  }
}
