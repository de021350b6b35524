package io.brazier.server.interaction;

import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.Restriction;
import io.brazier.server.http.PageSizes;
import io.brazier.server.http.StoredBundle;
import io.brazier.store.Change.Action;
import io.brazier.store.HistoryCursor;
import io.brazier.store.HistoryPage;
import io.brazier.store.HistoryQuery;
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
 * versions remain, a next link. Each entry tells how its version was written: POST [type] for a first version the
 * server gave its id, PUT [type]/[id] for one created by an update (or an import) and for every later version but
 * those a patch wrote, which say PATCH [type]/[id], DELETE for a deletion, which has no resource and no ETag (it
 * leaves no version to read); a first version's status is 201 Created, whatever its method, and so is that of a
 * version written over a deletion, which creates the resource again. The change feed describes its entries the same
 * way, but for patches, which it calls updates (PUT). Under a restriction only the versions within it are listed.
 */
public final class History {
  /**
   * Most versions one page of history under a restriction looks at: a page of a type's or the server's history may
   * then hold fewer versions than asked, and its next link goes on after the last version looked at.
   */
  static final int MOST_LOOKED_AT = 5_000;
  /** Versions read at a time while filling a page under a restriction. */
  private static final int READ_AHEAD = 100;

  private final Store store;
  private final Reachable reachable;
  private final PageSizes pageSizes;

  public History(Store store, Reachable reachable, PageSizes pageSizes) {
    this.store = store;
    this.reachable = reachable;
    this.pageSizes = pageSizes;
  }

  /**
   * The page of the history of a resource (type and id), of a type (id null) or of the server (both null): under a
   * restriction, only the versions that lie within it.
   */
  HistoryPage page(FhirRequest request, String type, String id) {
    HistoryQuery query = HistoryParameters.query(request, type, id, pageSizes);
    return request.restriction() == null ? store.history(query) : reachable(query, request.restriction());
  }

  /**
   * The versions {@code restriction} reaches, read a page of history after another and each version tested (the
   * index holds no past versions to search), until the page is full, the history ends or {@link #MOST_LOOKED_AT}
   * versions were looked at.
   */
  private HistoryPage reachable(HistoryQuery query, Restriction restriction) {
    List<ResourceVersion> kept = new ArrayList<>();
    List<HistoryCursor> positions = new ArrayList<>();
    HistoryCursor after = query.before();
    int looked = 0;
    while (true) {
      HistoryPage page = store.history(new HistoryQuery(query.type(), query.id(), query.since(), query.at(), after,
          Math.max(query.count(), READ_AHEAD)));
      for (int i = 0; i < page.versions().size(); i++) {
        ResourceVersion version = page.versions().get(i);
        after = page.positions().get(i);
        looked++;
        if (reachable.reaches(restriction, version)) {
          kept.add(version);
          positions.add(after);
        }
        boolean more = i < page.versions().size() - 1 || page.next() != null;
        if (kept.size() == query.count() || looked >= MOST_LOOKED_AT) {
          return new HistoryPage(kept, positions, more ? after : null);
        }
      }
      if (page.next() == null) {
        return new HistoryPage(kept, positions, null);
      }
    }
  }

  /** The answer: the page as a history bundle. */
  FhirResponse answer(FhirRequest request, HistoryPage page) {
    String next = page.next() == null ? null : request.link(HistoryParameters.CURSOR, page.next().encode());
    Bundle bundle = bundle(request, next);
    List<byte[]> resources = new ArrayList<>();
    for (ResourceVersion version : page.versions()) {
      // A version written over a deletion (or imported with none before it) created the resource, by PUT
      // [type]/[id] as no POST can.
      Action action = version.recreates() ? Action.CREATE : Action.of(version.version(), version.deleted());
      BundleEntryComponent entry = entry(request.baseUrl(), version.type(), version.id(), version.version(), action,
          version.createdByPut() || version.recreates(), version.lastUpdated());
      if (version.patched()) {
        entry.getRequest().setMethod(HTTPVerb.PATCH); // an update all the same: its URL and status stay
      }
      bundle.addEntry(entry);
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

  /**
   * The entry, without its resource, for a version written by {@code action} at {@code at}; a creation by PUT when
   * {@code createdByPut}, else by POST.
   */
  public static BundleEntryComponent entry(String baseUrl, String type, String id, int version, Action action,
      boolean createdByPut, Instant at) {
    BundleEntryComponent entry = new BundleEntryComponent().setFullUrl(baseUrl + "/" + type + "/" + id);
    boolean posted = action == Action.CREATE && !createdByPut;
    entry.getRequest()
        .setMethod(switch (action) {
          case CREATE -> posted ? HTTPVerb.POST : HTTPVerb.PUT;
          case UPDATE -> HTTPVerb.PUT;
          case DELETE -> HTTPVerb.DELETE;
        })
        .setUrl(posted ? type : type + "/" + id);
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
