package io.brazier.proxy.upstream;

import io.brazier.fhir.BaseUrl;
import io.brazier.fhir.FhirException;
import io.brazier.proxy.isolation.AnswerFormat;
import io.brazier.proxy.isolation.UpstreamIsolation;
import io.brazier.server.FhirRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Isolation's stage of the one chain around {@link Forwarding#exchange} ({@link ProcessorExchange}), its outermost:
 * a request that isolation restricts ({@link UpstreamIsolation}) goes on as isolation narrows or checks it, its body
 * held for the check, and the answer that comes back, the upstream's or a processor's, is read whole and checked,
 * in the format and shape the request asked for (a search that can find only what the caller may not see is not
 * sent: isolation answers it; a page the check left with nothing while its search goes on is not given: the page
 * its next link names is asked for as the caller would ask, through the rest of the chain). So nothing reaches a
 * restricted caller that was not checked, whoever made it. Any other request passes straight on, its answer
 * streaming.
 */
final class IsolationStage implements Exchange {
  private final UpstreamIsolation isolation;
  private final Exchange next;
  private final long maxBodyBytes;
  private final String upstreamBase;

  /**
   * @param next the rest of the chain: the processors and the upstream
   * @param maxBodyBytes the largest body of a restricted request, held to check it (a larger one is a 413)
   * @param upstreamBase the upstream's base URL, which its answers' links start with
   */
  IsolationStage(UpstreamIsolation isolation, Exchange next, long maxBodyBytes, String upstreamBase) {
    this.isolation = isolation;
    this.next = next;
    this.maxBodyBytes = maxBodyBytes;
    this.upstreamBase = upstreamBase;
  }

  @Override
  public UpstreamAnswer exchange(FhirRequest request, Set<String> headerNames, String client, Upstream.Body body) {
    if (request.restriction() == null) {
      return next.exchange(request, headerNames, client, body);
    }
    Upstream.Body held = body.held(maxBodyBytes);
    FhirRequest sent = isolation.sent(request, held.bytes());
    byte[] own = isolation.ownAnswer(sent);
    UpstreamAnswer answer = own == null ? next.exchange(sent, headerNames, client, held)
        : new UpstreamAnswer(200, Map.of("Content-Type", "application/fhir+json"), new ByteArrayInputStream(own),
            own.length);
    AnswerFormat.Encoded checked = isolation.answer(request, sent, answer.status(), read(answer),
        link -> followed(link, request, headerNames, client));
    Map<String, String> headers = new LinkedHashMap<>(answer.headers());
    if (checked.contentType() != null) {
      headers.keySet().removeIf(name -> name.equalsIgnoreCase("Content-Type"));
      headers.put("Content-Type", checked.contentType());
    }
    return new UpstreamAnswer(answer.status(), headers, new ByteArrayInputStream(checked.body()),
        checked.body().length);
  }

  /**
   * The page a next link names (the upstream's, or the proxy's once a processor has read the answer), asked for as
   * the caller following it would ask: classified, restricted and sent on as {@code request}, through the rest of
   * the chain; null for a link elsewhere.
   */
  private UpstreamIsolation.Followed followed(String link, FhirRequest request, Set<String> headerNames,
      String client) {
    Optional<String> below = BaseUrl.below(link, upstreamBase).or(() -> BaseUrl.below(link, request.baseUrl()));
    if (below.isEmpty()) {
      return null;
    }
    FhirRequest page = PathShape.classify("GET", below.get(), request::header, null, request.baseUrl())
        .withCaller(request.caller()).withRestriction(request.restriction());
    FhirRequest sent = isolation.sent(page, null);
    UpstreamAnswer answer = next.exchange(sent, headerNames, client, Upstream.Body.NONE);
    return new UpstreamIsolation.Followed(sent, answer.status(), read(answer));
  }

  private static byte[] read(UpstreamAnswer answer) {
    try (InputStream in = answer.body()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new FhirException(502, IssueType.TRANSIENT, "The upstream's answer broke off: " + e.getMessage());
    }
  }
}
