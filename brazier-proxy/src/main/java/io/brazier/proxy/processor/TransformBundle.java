package io.brazier.proxy.processor;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.proxy.Processor;
import io.brazier.proxy.ProxyRequest;
import io.brazier.proxy.ProxyResponse;
import io.brazier.proxy.Step;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleEntryRequestComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * {@code transform-bundle}, a pre-processor: a transaction becomes a batch, for a server without transactions.
 * What a transaction resolves itself is resolved first, against the server: a conditional create
 * ({@code ifNoneExist}) that matches one resource creates nothing (its entry reads that resource, and references to
 * it point there), a conditional update ({@code PUT Type?query}) updates the one it matches or creates; more than one
 * match is a 412 for the whole request, before anything is written. Every create gets an id, the {@code urn:uuid:}
 * of its fullUrl or a new one, and is sent as {@code PUT Type/id}, and references to fullUrls are rewritten to
 * {@code Type/id}. When no entry refers to what another writes, the batch goes on in the request's place; otherwise
 * it is sent in rounds as the caller, those written first that others refer to ({@link BatchRounds}). The batch
 * loses what only a transaction has: all or nothing. Its answer is a batch-response, entry by entry.
 */
final class TransformBundle implements Processor {
  private static final String UUID_NAME = "urn:uuid:";

  private final Fhir fhir;

  TransformBundle(Fhir fhir) {
    this.fhir = fhir;
  }

  @Override
  public Step before(ProxyRequest request) {
    if (!request.method().equals("POST") || !request.segments().isEmpty() || request.body() == null) {
      return Step.proceed(request);
    }
    IParser parser = parser(request);
    Bundle bundle = transaction(parser, request.body());
    if (bundle == null) {
      return Step.proceed(request);
    }
    Upstream upstream = new Upstream(fhir, request);
    Map<String, String> named = new HashMap<>();
    for (BundleEntryComponent entry : bundle.getEntry()) {
      resolve(entry, upstream, named);
    }
    for (BundleEntryComponent entry : bundle.getEntry()) {
      if (entry.hasResource()) {
        rewriteReferences(entry.getResource(), named);
      }
    }
    bundle.setType(Bundle.BundleType.BATCH);
    BatchRounds rounds = new BatchRounds(bundle, fhir.context().newTerser());
    if (rounds.size() > 1) {
      return Step.answer(ProxyResponse.of(200, rounds.send(upstream)));
    }
    return Step.proceed(request.withBody(parser.encodeResourceToString(bundle).getBytes(StandardCharsets.UTF_8)));
  }

  private IParser parser(ProxyRequest request) {
    String contentType = request.header("Content-Type");
    return contentType != null && contentType.contains("xml") ? fhir.context().newXmlParser() : fhir.jsonParser();
  }

  /** The body as a transaction; null for anything else, which goes on as it is. */
  private static Bundle transaction(IParser parser, byte[] body) {
    try {
      return parser.parseResource(new String(body, StandardCharsets.UTF_8)) instanceof Bundle bundle
          && bundle.getType() == Bundle.BundleType.TRANSACTION ? bundle : null;
    } catch (DataFormatException e) {
      return null; // the server refuses it with its own outcome
    }
  }

  /** Makes an entry a batch entry, and records what its fullUrl names ({@code Type/id}). */
  private void resolve(BundleEntryComponent entry, Upstream upstream, Map<String, String> named) {
    BundleEntryRequestComponent request = entry.getRequest();
    Resource resource = entry.getResource();
    if (resource == null) {
      return;
    }
    String type = resource.fhirType();
    String uuid = entry.hasFullUrl() && entry.getFullUrl().startsWith(UUID_NAME)
        ? entry.getFullUrl().substring(UUID_NAME.length()) : null;
    String id = null;
    if (request.getMethod() == HTTPVerb.POST && request.hasIfNoneExist()) {
      String found = match(upstream, entry, type + "?" + request.getIfNoneExist());
      if (found != null) {
        name(entry, type + "/" + found, named);
        entry.setResource(null);
        request.setMethod(HTTPVerb.GET).setUrl(type + "/" + found).setIfNoneExist(null);
        return;
      }
    } else if (request.getMethod() == HTTPVerb.PUT && request.hasUrl() && request.getUrl().contains("?")) {
      id = match(upstream, entry, request.getUrl());
    } else if (request.getMethod() != HTTPVerb.POST || uuid == null) {
      return; // a plain update, delete or create: a batch runs it as it is
    }
    if (id == null) {
      id = uuid != null ? uuid : UUID.randomUUID().toString();
    }
    resource.setId(id);
    request.setMethod(HTTPVerb.PUT).setUrl(type + "/" + id).setIfNoneExist(null);
    name(entry, type + "/" + id, named);
  }

  private static void name(BundleEntryComponent entry, String local, Map<String, String> named) {
    if (entry.hasFullUrl()) {
      named.put(entry.getFullUrl(), local);
    }
  }

  /** The id of the one resource {@code search} matches; null for none; a 412 for more than one. */
  private static String match(Upstream upstream, BundleEntryComponent entry, String search) {
    Bundle found = upstream.search(search + (search.endsWith("?") ? "" : "&") + "_count=2");
    long matches = found.getEntry().stream()
        .filter(match -> match.getSearch().getMode() != Bundle.SearchEntryMode.OUTCOME).count();
    if (matches > 1 || found.getTotal() > 1) {
      throw FhirException.preconditionFailed("Entry " + (entry.hasFullUrl() ? entry.getFullUrl() : search)
          + ": " + search + " matches more than one resource, so the transaction could not be made a batch;"
          + " make the condition selective enough to match one.");
    }
    return matches == 0 ? null : found.getEntryFirstRep().getResource().getIdPart();
  }

  private void rewriteReferences(Resource resource, Map<String, String> named) {
    for (Reference reference : fhir.context().newTerser().getAllPopulatedChildElementsOfType(resource,
        Reference.class)) {
      String local = named.get(reference.getReference());
      if (local != null) {
        reference.setReference(local);
      }
    }
  }
}
