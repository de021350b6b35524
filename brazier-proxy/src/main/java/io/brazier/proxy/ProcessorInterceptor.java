package io.brazier.proxy;

import io.brazier.fhir.Fhir;
import io.brazier.server.Caller;
import io.brazier.server.FhirApi;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.Interceptor;
import io.brazier.server.InterceptorAnswer;
import io.brazier.server.http.StoredBundle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Resource;

/**
 * The processor chain in {@code brazier serve --auth}: an interceptor, the last, so that it sees requests
 * authenticated, authorized, kept to their caller's reach and with their paging cursors opened, and answers before
 * the cursors of their links are sealed. It sees the requests of clients only: not bundle entries (the chain sees
 * the bundle), nor what modules of this process send, nor what processors send themselves, which go to the server
 * as {@link #SOURCE}, kept to the restriction of the request they serve.
 */
final class ProcessorInterceptor implements Interceptor {
  /** The caller of processors' own requests: a system of this process, which passes neither chain nor checks. */
  static final Caller SOURCE = Caller.system("urn:brazier:processors");

  private final FhirApi api;
  private final Fhir fhir;
  private final Processors processors;
  private final CallerReach reach;

  ProcessorInterceptor(FhirApi api, Processors processors, CallerReach reach) {
    this.api = api;
    this.fhir = processors.fhir();
    this.processors = processors;
    this.reach = reach;
  }

  @Override
  public FhirRequest before(FhirRequest request) {
    if (!fromClient(request)) {
      return request;
    }
    ProxyRequest original = proxyRequest(request);
    Step step = processors.before(original);
    if (step.answered()) {
      throw new InterceptorAnswer(request, fhirResponse(step.answer()));
    }
    return step.request().appliedTo(request, original);
  }

  @Override
  public FhirResponse after(FhirRequest request, FhirResponse response) {
    if (!fromClient(request)) {
      return response;
    }
    AtomicBoolean read = new AtomicBoolean();
    ProxyResponse seen = ProxyResponse.lazy(response.status(), response.headers(), () -> {
      read.set(true);
      return resource(response);
    });
    ProxyResponse answer = processors.after(proxyRequest(request), seen);
    // A resource a processor read may have been changed in place: only one nobody read is sent as it was.
    if (answer == seen && (!read.get() || seen.resource() == null)) {
      seen.headers().forEach(response::header);
      return response;
    }
    return fhirResponse(answer);
  }

  private static boolean fromClient(FhirRequest request) {
    return !request.isEntry() && request.caller().source() == null;
  }

  private ProxyRequest proxyRequest(FhirRequest request) {
    return ProxyRequest.of(request, api.client(SOURCE, request.baseUrl(), request.restriction()),
        api.client(request.caller(), request.baseUrl()), reach);
  }

  /** The resource of an answer, read only when a processor asks; null for none or a body that is not FHIR. */
  private Resource resource(FhirResponse response) {
    if (response.resource() != null) {
      return response.resource();
    }
    if (response.bundle() != null) {
      return response.bundle().parsed(fhir);
    }
    if (response.stored() != null && response.stored().json() != null) {
      return (Resource) fhir.jsonParser().parseResource(new String(response.stored().json(),
          StandardCharsets.UTF_8));
    }
    return null;
  }

  /**
   * A processor's answer as the server's: a Bundle of 200 as a page of stored resources, so that the interceptors
   * around this one treat it as any page (its paging cursors sealed, its includes checked).
   */
  private FhirResponse fhirResponse(ProxyResponse answer) {
    Resource resource = answer.resource();
    FhirResponse response;
    if (resource instanceof Bundle bundle && answer.status() == 200) {
      response = FhirResponse.ok(stored(bundle));
    } else if (resource != null) {
      response = FhirResponse.of(answer.status(), resource);
    } else {
      response = FhirResponse.empty(answer.status());
    }
    answer.headers().forEach(response::header);
    return response;
  }

  private StoredBundle stored(Bundle bundle) {
    Bundle shell = bundle.copy();
    List<byte[]> resources = new ArrayList<>();
    for (BundleEntryComponent entry : shell.getEntry()) {
      resources.add(entry.hasResource()
          ? fhir.jsonParser().encodeResourceToString(entry.getResource()).getBytes(StandardCharsets.UTF_8) : null);
      entry.setResource(null);
    }
    return new StoredBundle(shell, resources);
  }
}
