package io.brazier.server.interaction;

import io.brazier.fhir.BaseUrl;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.FhirResponse;
import io.brazier.store.ResourceVersion;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleEntryResponseComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;

/**
 * The answer to a batch or transaction: a {@code batch-response} or {@code transaction-response} Bundle with one
 * entry per request entry, in request order, each with the status, location, etag and lastModified that the
 * entry's own request would have answered, and its body or OperationOutcome.
 * https://hl7.org/fhir/R4/http.html#transaction-response
 */
final class EntryResponses {
  private final Fhir fhir;
  private final EntryRouter router;

  EntryResponses(Fhir fhir, EntryRouter router) {
    this.fhir = fhir;
    this.router = router;
  }

  Bundle bundle(BundleType type, List<BundleEntryComponent> entries) {
    Bundle bundle = new Bundle().setType(type);
    bundle.setTimestamp(new Date());
    bundle.setEntry(entries);
    return bundle;
  }

  /** The answer of an entry that ran, as the interceptors leave it. */
  BundleEntryComponent entry(Entry ran, FhirResponse answer, String baseUrl) {
    return component(router.answered(ran.request(), answer), baseUrl);
  }

  private BundleEntryComponent component(FhirResponse answer, String baseUrl) {
    BundleEntryComponent entry = new BundleEntryComponent();
    BundleEntryResponseComponent response = entry.getResponse().setStatus(status(answer.status()));
    String location = answer.headers().get("Location");
    if (location != null) {
      response.setLocation(BaseUrl.relative(location, baseUrl).orElse(location));
    }
    response.setEtag(answer.headers().get("ETag"));
    ResourceVersion version = answer.version();
    if (version != null) {
      response.setLastModified(Date.from(version.lastUpdated()));
    }
    Resource body = body(answer);
    if (body instanceof OperationOutcome outcome) {
      response.setOutcome(outcome);
    } else if (body != null) {
      entry.setResource(body);
      if (body.getIdElement().hasIdPart() && !(body instanceof Bundle)) {
        entry.setFullUrl(baseUrl + "/" + body.fhirType() + "/" + body.getIdElement().getIdPart());
      }
    }
    return entry;
  }

  /** Runs an entry on its own and answers for it, failure included. */
  BundleEntryComponent run(Entry entry, String baseUrl) {
    if (entry.failure() != null) {
      return failure(entry, entry.failure(), baseUrl);
    }
    try {
      return entry(entry, entry.interaction().handle(entry.request()), baseUrl);
    } catch (FhirException e) {
      return failure(entry, entry.located(e), baseUrl);
    }
  }

  /** The answer of an entry that failed; one that could not even be routed has no request for interceptors. */
  BundleEntryComponent failure(Entry entry, FhirException e, String baseUrl) {
    FhirResponse answer = FhirResponse.of(e.status(), e.outcome());
    return entry.request() == null ? component(answer, baseUrl) : entry(entry, answer, baseUrl);
  }

  private Resource body(FhirResponse answer) {
    if (answer.resource() != null) {
      return answer.resource();
    }
    if (answer.stored() != null && answer.stored().json() != null) {
      return (Resource) fhir.jsonParser().parseResource(new String(answer.stored().json(), StandardCharsets.UTF_8));
    }
    if (answer.bundle() != null) {
      return answer.bundle().parsed(fhir); // a search or history entry answers with its Bundle
    }
    return null;
  }

  /** The status line of an entry, as {@code 201 Created}. */
  static String status(int code) {
    String reason = switch (code) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 204 -> "No Content";
      case 304 -> "Not Modified";
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 412 -> "Precondition Failed";
      case 413 -> "Payload Too Large";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Entity";
      default -> "";
    };
    return reason.isEmpty() ? Integer.toString(code) : code + " " + reason;
  }
}
