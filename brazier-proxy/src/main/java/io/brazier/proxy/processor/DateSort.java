package io.brazier.proxy.processor;

import io.brazier.fhir.DateTimeRange;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.FhirPath;
import io.brazier.fhir.search.ParamType;
import io.brazier.fhir.search.SearchParam;
import io.brazier.fhir.search.SearchParameters;
import io.brazier.proxy.Processor;
import io.brazier.proxy.ProxyRequest;
import io.brazier.proxy.ProxyResponse;
import io.brazier.proxy.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;

/**
 * {@code date-sort}, a pre-processor: a search sorted by one date parameter of its type ({@code _sort=date},
 * {@code _sort=-date}, any parameter of type date) for a server that cannot sort. The search goes to the server
 * without {@code _sort}, every page of it is read (following each page's {@code next} link), and the matches are
 * answered in one page, sorted by the earliest date the parameter's own FHIRPath expression finds in each (a match
 * with none last; equal dates in the server's order), includes after them. More than {@code date-sort.max} matches
 * (10,000 by default) is a 400 that asks for a narrower search, never a silently shortened answer.
 */
final class DateSort implements Processor {
  static final int DEFAULT_MAX = 10_000;
  private static final String SORT = "_sort";
  private static final String PAGE_SIZE = "1000";

  private final Fhir fhir;
  private final SearchParameters params;
  private final FhirPath fhirPath;
  private final int max;

  DateSort(Fhir fhir, int max) {
    this.fhir = fhir;
    this.fhirPath = new FhirPath(fhir);
    this.params = new SearchParameters(fhir, fhirPath);
    this.max = max;
  }

  @Override
  public Step before(ProxyRequest request) {
    Optional<SearchParam> param = sortParam(request);
    if (param.isEmpty()) {
      return Step.proceed(request);
    }
    boolean descending = request.param(SORT).startsWith("-");
    Bundle matches = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    List<BundleEntryComponent> included = new ArrayList<>();
    read(request, matches.getEntry(), included);
    Comparator<BundleEntryComponent> byDate = Comparator.comparing(
        (BundleEntryComponent entry) -> earliest(entry, param.get()),
        Comparator.nullsLast(descending ? Comparator.<Instant>reverseOrder() : Comparator.<Instant>naturalOrder()));
    matches.getEntry().sort(byDate);
    matches.setTotal(matches.getEntry().size());
    matches.getEntry().addAll(included);
    matches.addLink().setRelation("self").setUrl(request.baseUrl() + "/" + request.path() + "?"
        + Upstream.query(request.query()));
    return Step.answer(ProxyResponse.of(200, matches));
  }

  /** The date parameter a type search sorts by, alone; empty for any other request. */
  private Optional<SearchParam> sortParam(ProxyRequest request) {
    String sort = request.param(SORT);
    if (!request.method().equals("GET") || request.segments().size() != 1 || sort == null || sort.contains(",")
        || !fhir.isResourceType(request.segment(0))) {
      return Optional.empty();
    }
    String code = sort.startsWith("-") ? sort.substring(1) : sort;
    return params.get(request.segment(0), code).filter(param -> param.type() == ParamType.DATE
        && param.expression() != null);
  }

  /** Every page of the search without its sort, matches and includes apart. */
  private void read(ProxyRequest request, List<BundleEntryComponent> matches, List<BundleEntryComponent> included) {
    Map<String, List<String>> query = new LinkedHashMap<>(request.queryWith(SORT, null));
    query.put("_count", List.of(PAGE_SIZE));
    query.remove("_format"); // the pages are read as JSON; the answer is written in the client's format
    query.remove("_pretty");
    Upstream upstream = new Upstream(fhir, request);
    for (String next = request.path() + "?" + Upstream.query(query); next != null; ) {
      Bundle page = upstream.search(next);
      for (BundleEntryComponent entry : page.getEntry()) {
        Bundle.SearchEntryMode mode = entry.getSearch().getMode();
        (mode == Bundle.SearchEntryMode.INCLUDE || mode == Bundle.SearchEntryMode.OUTCOME ? included : matches)
            .add(entry);
      }
      if (matches.size() > max) {
        throw FhirException.tooCostly("This search matches more than " + max + " resources, more than this"
            + " server sorts by date itself: narrow it (by date, say), or leave out _sort.");
      }
      Bundle.BundleLinkComponent link = page.getLink(Bundle.LINK_NEXT);
      next = link == null ? null : upstream.below(link.getUrl());
    }
  }

  private Instant earliest(BundleEntryComponent entry, SearchParam param) {
    if (!entry.hasResource()) {
      return null;
    }
    Instant earliest = null;
    for (Base value : fhirPath.evaluate(entry.getResource(), entry.getResource(),
        fhirPath.parse(param.expression()))) {
      Instant start = start(value);
      if (start != null && (earliest == null || start.isBefore(earliest))) {
        earliest = start;
      }
    }
    return earliest;
  }

  /** Where a date, dateTime, instant or Period begins; null for another value or none. */
  private static Instant start(Base value) {
    if (value instanceof Period period) {
      return period.hasStart() ? start(period.getStartElement()) : start(period.getEndElement());
    }
    if (value instanceof PrimitiveType<?> primitive && primitive.hasValue()) {
      try {
        return DateTimeRange.parse(primitive.getValueAsString()).start();
      } catch (IllegalArgumentException e) {
        return null; // not a date: a Timing's code, say
      }
    }
    return null;
  }
}
