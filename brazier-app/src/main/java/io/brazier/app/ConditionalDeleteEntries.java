package io.brazier.app;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import io.brazier.events.ResponseWrites;
import io.brazier.events.Written;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.proxy.ProxyRequest;
import io.brazier.proxy.ProxyResponse;
import io.brazier.server.http.Queries;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Resource;

/**
 * The conditional deletes among the entries of a batch or transaction ({@code DELETE Patient?identifier=...}), as
 * the standalone proxy publishes them: each entry is resolved as {@link ConditionalDeletes} resolves one sent alone,
 * its url narrowed to its matches before the bundle goes on, and the matches a search no longer finds once the bundle
 * is answered are its deletions. Entries are taken in the bundle's order, as its response answers them.
 */
final class ConditionalDeleteEntries {
  /**
   * The deletions of a bundle's conditional delete entries: those found ({@code removed}), and the matches of the
   * entries whose search after the bundle failed ({@code unknown}), which may or may not have been removed, with
   * those searches' failures ({@code why}).
   */
  record Removals(List<Written> removed, List<Written> unknown, String why) {}

  private final Fhir fhir;

  ConditionalDeleteEntries(Fhir fhir) {
    this.fhir = fhir;
  }

  /**
   * The bundle with each conditional delete entry narrowed, handed on parsed ({@link ProxyRequest#resource}) for
   * {@link #removed} to read; {@code request} itself when it is no batch or transaction that names DELETE.
   */
  ProxyRequest narrowed(ProxyRequest request) {
    Bundle bundle = bundle(request);
    if (bundle == null) {
      return request;
    }
    boolean changed = false;
    for (BundleEntryComponent entry : bundle.getEntry()) {
      ProxyRequest delete = delete(request, entry);
      if (delete != null) {
        entry.getRequest().setUrl(ConditionalDeletes.url(ConditionalDeletes.narrowed(delete)));
        changed = true;
      }
    }
    byte[] body = changed ? parser(request).encodeResourceToString(bundle).getBytes(StandardCharsets.UTF_8)
        : request.body();
    return request.withBody(body, bundle);
  }

  /**
   * The deletions of the answered bundle's conditional delete entries, each resource once, and none of those
   * {@code others} (what its other entries wrote) holds already; the matches of an entry whose search after the
   * bundle fails are {@code unknown}, the other entries' deletions found all the same.
   */
  Removals removed(ProxyRequest request, ProxyResponse response, List<Written> others, String client) {
    Bundle bundle = bundle(request);
    if (bundle == null || !(response.resource() instanceof Bundle answer)) {
      return new Removals(List.of(), List.of(), "");
    }
    Map<String, Written> removed = new LinkedHashMap<>();
    Map<String, Written> unknown = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < bundle.getEntry().size() && i < answer.getEntry().size(); i++) {
      ProxyRequest delete = delete(request, bundle.getEntry().get(i));
      if (delete != null && answer.getEntry().get(i).getResponse().getStatus().startsWith("2")) {
        try {
          deletions(delete, ConditionalDeletes.removed(delete), client, removed);
        } catch (FhirException e) {
          failures.add(e.getMessage());
          deletions(delete, ConditionalDeletes.candidates(delete), client, unknown);
        }
      }
    }
    others.stream().filter(written -> written.action() == Written.Action.DELETED).forEach(written -> {
      removed.remove(written.type() + "/" + written.id());
      unknown.remove(written.type() + "/" + written.id());
    });
    unknown.keySet().removeAll(removed.keySet()); // another entry is known to have removed it: published
    return new Removals(new ArrayList<>(removed.values()), new ArrayList<>(unknown.values()),
        String.join("; ", failures));
  }

  /** Adds the deletions of {@code ids} by {@code delete} to {@code into}, keyed {@code Type/id}, each once. */
  private static void deletions(ProxyRequest delete, List<String> ids, String client, Map<String, Written> into) {
    for (String id : ids) {
      into.putIfAbsent(delete.path() + "/" + id, ResponseWrites.deleted(delete.path(), id, client));
    }
  }

  /** The entry as a conditional delete of its own, sent by the bundle's caller; null for any other entry. */
  private static ProxyRequest delete(ProxyRequest bundle, BundleEntryComponent entry) {
    String url = entry.getRequest().getUrl();
    int question = url == null ? -1 : url.indexOf('?');
    if (entry.getRequest().getMethod() != HTTPVerb.DELETE || question < 0) {
      return null;
    }
    ProxyRequest delete = new ProxyRequest("DELETE", Queries.segments(url.substring(0, question)),
        Queries.parse(url.substring(question + 1)), bundle::header, null, bundle.caller(), bundle.baseUrl(),
        bundle.upstream(), bundle.asCaller(), bundle.reach());
    return ConditionalDeletes.conditional(delete) ? delete : null;
  }

  /**
   * The body of a batch or transaction posted to the base, or null: as {@link #narrowed} parsed it, or parsed here.
   * A body that does not name DELETE has no conditional delete to resolve, and is not parsed.
   */
  private Bundle bundle(ProxyRequest request) {
    if (!request.method().equalsIgnoreCase("POST") || !request.segments().isEmpty() || request.body() == null) {
      return null;
    }
    Resource parsed = request.resource() != null ? request.resource() : parsed(request);
    return parsed instanceof Bundle bundle
        && (bundle.getType() == Bundle.BundleType.BATCH || bundle.getType() == Bundle.BundleType.TRANSACTION)
        ? bundle : null;
  }

  private Resource parsed(ProxyRequest request) {
    String body = new String(request.body(), StandardCharsets.UTF_8);
    if (!body.contains("DELETE")) {
      return null;
    }
    try {
      return (Resource) parser(request).parseResource(body);
    } catch (DataFormatException e) {
      return null; // the server refuses it with its own outcome
    }
  }

  private IParser parser(ProxyRequest request) {
    String contentType = request.header("Content-Type");
    return contentType != null && contentType.contains("xml") ? fhir.xmlParser() : fhir.jsonParser();
  }
}
