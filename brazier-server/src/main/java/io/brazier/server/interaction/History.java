package io.brazier.server.interaction;

import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.http.PageSizes;
import io.brazier.server.http.StoredBundle;
import io.brazier.store.Change.Action;
import io.brazier.store.HistoryPage;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;

/**
 * What the history interactions share (https://hl7.org/fhir/R4/http.html#history): a page of versions read with the
 * request's parameters, answered as a Bundle of type history, newest first, with a self link and, while older
 * versions remain, a next link. Each entry tells how its version was written: POST for the first version, PUT for a
 * later one, DELETE for a deletion, which has no resource and no ETag (it leaves no version to read). The change feed
 * describes its entries the same way.
 */
public final class History {
  private final Store store;
  private final PageSizes pageSizes;

  public History(Store store, PageSizes pageSizes) {
    this.store = store;
    this.pageSizes = pageSizes;
  }

  /** The page of the history of a resource (type and id), of a type (id null) or of the server (both null). */
  HistoryPage page(FhirRequest request, String type, String id) {
    return store.history(HistoryParameters.query(request, type, id, pageSizes));
  }

  /** The answer: the page as a history bundle. */
  FhirResponse answer(FhirRequest request, HistoryPage page) {
    String next = page.next() == null ? null : request.link(HistoryParameters.CURSOR, page.next().encode());
    Bundle bundle = bundle(request, next);
    List<byte[]> resources = new ArrayList<>();
    for (ResourceVersion version : page.versions()) {
      bundle.addEntry(entry(request.baseUrl(), version.type(), version.id(), version.version(),
          Action.of(version.version(), version.deleted()), version.lastUpdated()));
      resources.add(version.json());
    }
    return FhirResponse.ok(new StoredBundle(bundle, resources));
  }

  /** A history bundle without entries yet: its self link and, when there is a next page, the next link. */
  public static Bundle bundle(FhirRequest request, String nextUrl) {
    Bundle bundle = new Bundle().setType(BundleType.HISTORY);
    bundle.setId(UUID.randomUUID().toString());
    bundle.getMeta().setLastUpdated(new Date());
    bundle.addLink().setRelation("self").setUrl(request.url());
    if (nextUrl != null) {
      bundle.addLink().setRelation("next").setUrl(nextUrl);
    }
    return bundle;
  }

  /** The entry, without its resource, for a version written by {@code action} at {@code at}. */
  public static BundleEntryComponent entry(String baseUrl, String type, String id, int version, Action action,
      Instant at) {
    BundleEntryComponent entry = new BundleEntryComponent().setFullUrl(baseUrl + "/" + type + "/" + id);
    entry.getRequest()
        .setMethod(switch (action) {
          case CREATE -> HTTPVerb.POST;
          case UPDATE -> HTTPVerb.PUT;
          case DELETE -> HTTPVerb.DELETE;
        })
        .setUrl(action == Action.CREATE ? type : type + "/" + id);
    entry.getResponse()
        .setStatus(switch (action) {
          case CREATE -> "201 Created";
          case UPDATE -> "200 OK";
          case DELETE -> "204 No Content";
        })
        .setLastModified(Date.from(at));
    if (action != Action.DELETE) {
      entry.getResponse().setEtag("W/\"" + version + "\"");
    }
    return entry;
  }
}
