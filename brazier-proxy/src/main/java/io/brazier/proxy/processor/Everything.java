package io.brazier.proxy.processor;

import ca.uhn.fhir.parser.DataFormatException;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.proxy.Processor;
import io.brazier.proxy.ProxyRequest;
import io.brazier.proxy.ProxyResponse;
import io.brazier.proxy.Step;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

/**
 * {@code everything}, a pre-processor: {@code GET Patient/[id]/$everything} for a server without it, answered from
 * the patient and its compartment search ({@code Patient/[id]/*}; with {@code _type}, {@code Patient/[id]/[type]}
 * for each type in turn), one page of the server's for one page of the answer, so that any number of resources
 * pages through (no cap), each page's {@code next} link found by its relation. The link carries in {@code _cursor}
 * the server's next page and the types still to search, checked to continue the same patient's compartment.
 * {@code _count} and {@code _since} are passed on to the compartment searches ({@code _since} as
 * {@code _lastUpdated=ge}); {@code start} and {@code end}, which need each type's clinical date, are a 400. The
 * server's own rules (the caller's reach) apply to every search it answers.
 */
final class Everything implements Processor {
  static final String CURSOR = "_cursor";
  /** Parameters of how the answer is rendered, which the chain's server applies, not the compartment search. */
  private static final Set<String> RENDERING = Set.of("_format", "_pretty", "_summary", "_elements");
  private static final Set<String> PASSED_ON = Set.of("_count", "_since");
  private static final String TYPE = "[A-Z][A-Za-z]+";
  private static final Set<String> TAKEN = Set.of("_count", "_since", "_type", CURSOR);

  private final Fhir fhir;

  Everything(Fhir fhir) {
    this.fhir = fhir;
  }

  @Override
  public Step before(ProxyRequest request) {
    if (!isEverything(request)) {
      return Step.proceed(request);
    }
    String patient = request.segment(1);
    Upstream upstream = new Upstream(fhir, request);
    String cursor = request.param(CURSOR);
    Bundle answer = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    answer.addLink().setRelation("self").setUrl(link(request, cursor));
    Position position;
    if (cursor == null) {
      Resource owner = upstream.get("Patient/" + Upstream.encode(patient));
      if (wanted(owner, request)) {
        answer.addEntry().setFullUrl(request.baseUrl() + "/Patient/" + patient).setResource(owner).getSearch()
            .setMode(Bundle.SearchEntryMode.MATCH);
      }
      position = Position.start(patient, request);
    } else {
      position = Position.decode(patient, cursor);
    }
    if (position != null) {
      Bundle page = upstream.search(position.path());
      for (BundleEntryComponent entry : page.getEntry()) {
        if (!isOwner(entry.getResource(), patient)) {
          answer.addEntry(entry);
        }
      }
      Bundle.BundleLinkComponent link = page.getLink(Bundle.LINK_NEXT);
      Position next = link != null ? new Position(upstream.below(link.getUrl()), position.types())
          : position.nextType(patient, request);
      if (next != null) {
        answer.addLink().setRelation(Bundle.LINK_NEXT).setUrl(link(request, next.encode()));
      }
    }
    return Step.answer(ProxyResponse.of(200, answer));
  }

  /**
   * Where paging stands: the server's page to read ({@code Patient/12/Observation?_count=20&_cursor=...}) and the
   * types still to search after it ({@code _type}), in the order asked.
   */
  record Position(String path, List<String> types) {

    /** The first search: the whole compartment, or the first type asked for; null when only Patient is. */
    static Position start(String patient, ProxyRequest request) {
      String typeList = request.param("_type");
      List<String> types = typeList == null ? List.of("*") : Arrays.stream(typeList.split(","))
          .map(String::trim).filter(type -> !type.isEmpty() && !type.equals("Patient")).toList();
      return types.isEmpty() ? null : new Position(search(patient, types.get(0), request), types.subList(1,
          types.size()));
    }

    /** The search of the next type asked for, or null after the last. */
    Position nextType(String patient, ProxyRequest request) {
      return types.isEmpty() ? null : new Position(search(patient, types.get(0), request),
          types.subList(1, types.size()));
    }

    private static String search(String patient, String type, ProxyRequest request) {
      return compartment(patient) + Upstream.encode(type).replace("%2A", "*") + "?"
          + Upstream.query(searchParams(request));
    }

    String encode() {
      String text = path + "\n" + String.join(",", types);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A position this processor wrote; another patient's, or no position at all, is a 400. */
    static Position decode(String patient, String cursor) {
      String[] parts;
      try {
        parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n", -1);
      } catch (IllegalArgumentException e) {
        parts = new String[0];
      }
      Pattern continuing = Pattern.compile(Pattern.quote(compartment(patient)) + "(\\*|" + TYPE + ")\\?.*");
      if (parts.length != 2 || !continuing.matcher(parts[0]).matches()
          || !parts[1].matches("(" + TYPE + "(," + TYPE + ")*)?")) {
        throw FhirException.badRequest("This _cursor does not continue this patient's $everything: follow the"
            + " next link as given.");
      }
      return new Position(parts[0], parts[1].isEmpty() ? List.of() : List.of(parts[1].split(",")));
    }
  }

  private static boolean isEverything(ProxyRequest request) {
    return request.method().equals("GET") && request.segments().size() == 3 && "Patient".equals(request.segment(0))
        && "$everything".equals(request.segment(2));
  }

  private static String compartment(String patient) {
    return "Patient/" + Upstream.encode(patient) + "/";
  }

  /** The compartment search's parameters; a parameter this processor cannot honour is a 400. */
  private static Map<String, List<String>> searchParams(ProxyRequest request) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    request.query().forEach((name, values) -> {
      if (!TAKEN.contains(name) && !RENDERING.contains(name)) {
        throw FhirException.badRequest("Patient/$everything here takes _count, _type and _since, not " + name
            + ": this server's everything processor answers from the compartment search, which has no " + name
            + ".");
      }
      if (PASSED_ON.contains(name)) {
        params.put(name.equals("_since") ? "_lastUpdated" : name,
            name.equals("_since") ? values.stream().map(since -> "ge" + since).toList() : values);
      }
    });
    return params;
  }

  /** Whether the patient itself belongs in the first page: of a type asked for, changed since the time asked. */
  private static boolean wanted(Resource owner, ProxyRequest request) {
    String types = request.param("_type");
    if (types != null && Arrays.stream(types.split(",")).map(String::trim).noneMatch("Patient"::equals)) {
      return false;
    }
    String since = request.param("_since");
    return since == null || !owner.getMeta().hasLastUpdated()
        || !owner.getMeta().getLastUpdated().toInstant().isBefore(instant(since));
  }

  private static Instant instant(String since) {
    try {
      InstantType instant = new InstantType(since);
      if (instant.getValue() != null) {
        return instant.getValue().toInstant();
      }
    } catch (DataFormatException e) {
      // Answered below.
    }
    throw FhirException.badRequest("_since is an instant such as 2024-05-01T12:00:00Z, not " + since + ".");
  }

  private static boolean isOwner(Resource resource, String patient) {
    return resource != null && resource.fhirType().equals("Patient") && resource.getIdPart().equals(patient);
  }

  /** This operation's URL with its parameters, the cursor set (or left out, when null). */
  private static String link(ProxyRequest request, String cursor) {
    String query = Upstream.query(request.queryWith(CURSOR, cursor));
    return request.baseUrl() + "/" + request.path() + (query.isEmpty() ? "" : "?" + query);
  }
}
