package io.brazier.proxy.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.fhir.BaseUrl;
import io.brazier.fhir.search.Compartments;
import io.brazier.proxy.IncludesPaging;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import io.brazier.server.Restriction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A search sent to the server behind the standalone proxy, narrowed to the caller's patients as far as that server
 * supports it (its CapabilityStatement says): one patient's compartment search ({@code Patient/12/Observation}),
 * else a parameter that makes a resource a member ({@code subject=Patient/12,Patient/13}, {@code _id} for
 * Patients). The answer is checked all the same; narrowing keeps pages full and, when it is exact, the total true.
 * {@code $includes} is narrowed as the search it pages ({@code Observation/$includes} as
 * {@code Patient/12/Observation/$includes}). The links of a search the proxy sent as a compartment search are given
 * back as links of the search asked ({@link #linkedAsAsked}).
 */
final class CompartmentQuery {
  /** The compartment's parameters tried first: they name the patient and nothing else. */
  private static final List<String> PREFERRED = List.of("patient", "subject");

  private final Compartments compartments;
  private final UpstreamCapabilities capabilities;

  CompartmentQuery(Compartments compartments, UpstreamCapabilities capabilities) {
    this.compartments = compartments;
    this.capabilities = capabilities;
  }

  /** The search narrowed, or as it is when it cannot be (or need not be). */
  FhirRequest narrowed(FhirRequest request, Restriction restriction) {
    if (IncludesPaging.interaction(request) == FhirInteraction.SEARCH_COMPARTMENT) {
      return otherCompartment(request, restriction);
    }
    if (IncludesPaging.interaction(request) != FhirInteraction.SEARCH_TYPE || restriction.within() == null
        || restriction.within().isEmpty() || !compartments.hasMembers(restriction.compartment(), request.type())) {
      return request;
    }
    if (restriction.within().size() == 1 && !request.type().equals(restriction.compartment())
        && capabilities.searchesCompartment(restriction.compartment())) {
      List<String> segments = new ArrayList<>(List.of(restriction.compartment(),
          restriction.within().iterator().next()));
      segments.addAll(request.segments()); // [type], or [type]/$includes
      FhirRequest compartmentSearch = new FhirRequest(request.method(), segments, request.query(), request::header,
          null, request.baseUrl()).withCaller(request.caller()).withRestriction(restriction);
      return request.interaction() == FhirInteraction.SEARCH_TYPE
          ? compartmentSearch.routed(FhirInteraction.SEARCH_COMPARTMENT, null)
          : compartmentSearch.routed(FhirInteraction.OPERATION, IncludesPaging.OPERATION);
    }
    Map<String, List<String>> query = criteria(request.type(), request.query(), restriction);
    return query == null ? request : request.withQuery(query);
  }

  /**
   * Sets the links of {@code page} ({@code next}, {@code related} to its {@code $includes}, ...), an answer to
   * {@code sent}, back to links of the type search {@code asked} where {@link #narrowed} sent it as the patient's
   * compartment search: {@code Patient/12/Observation?ct=x} as {@code Observation?ct=x}, below any of {@code bases}.
   * Followed, such a link needs the rights of the search it continues (a compartment search by path needs a read
   * of the patient too), and is narrowed to the same compartment search again.
   */
  void linkedAsAsked(FhirRequest asked, FhirRequest sent, JsonNode page, List<String> bases) {
    if (IncludesPaging.interaction(asked) != FhirInteraction.SEARCH_TYPE
        || IncludesPaging.interaction(sent) != FhirInteraction.SEARCH_COMPARTMENT) {
      return;
    }
    String compartment = sent.segment(0) + "/" + sent.segment(1) + "/";
    for (JsonNode link : page.path("link")) {
      String url = link.path("url").asText("");
      for (String base : bases) {
        Optional<String> below = BaseUrl.below(url, base);
        if (below.isPresent() && below.get().startsWith(compartment) && link instanceof ObjectNode linkNode) {
          String root = base.endsWith("/") ? base : base + "/";
          linkNode.put("url", root + below.get().substring(compartment.length()));
          break;
        }
      }
    }
  }

  /**
   * A compartment search other than of one of the caller's patients ({@code Patient/[other]/Condition}): it asks only
   * for what lies in the caller's patients' compartments too, as the server does under a restriction. Sent as it is,
   * the upstream would match the other patient's resources and the answer would say how many were left out: whether
   * that patient has, say, a Condition of a given code.
   */
  private FhirRequest otherCompartment(FhirRequest request, Restriction restriction) {
    String type = request.segment(2);
    if (restriction.within() == null || restriction.within().isEmpty() || isOwn(request, restriction)
        || !compartments.hasMembers(restriction.compartment(), type)) {
      return request;
    }
    Map<String, List<String>> query = criteria(type, request.query(), restriction);
    return query == null ? request : request.withQuery(query);
  }

  private static boolean isOwn(FhirRequest compartmentSearch, Restriction restriction) {
    return compartmentSearch.type().equals(restriction.compartment())
        && restriction.within().contains(compartmentSearch.id());
  }

  /**
   * Whether {@code sent} (as {@link #narrowed} left it) can match nothing but what lies outside {@code restriction}: a
   * compartment search of a patient outside it (one it does not reach, unless the upstream could narrow it), or a
   * search by a parameter that makes its type a member ({@code patient=12}, {@code subject=Patient/12}, {@code _id}
   * for Patients) naming only patients whose opt-outs keep the caller out. The upstream's pages would tell by their
   * links (a next page) that such a patient has data, so the proxy answers these itself.
   */
  boolean findsOnlyOutside(FhirRequest sent, Restriction restriction) {
    String compartment = restriction.compartment();
    if (IncludesPaging.interaction(sent) == FhirInteraction.SEARCH_COMPARTMENT && sent.type().equals(compartment)) {
      String type = sent.segment(2);
      boolean members = type.equals("*") || compartments.hasMembers(compartment, type);
      boolean unreached = restriction.within() != null && !restriction.within().contains(sent.id())
          && (type.equals("*") || param(type, compartment) == null);
      return members && (restriction.outside().contains(sent.id()) || unreached);
    }
    if (IncludesPaging.interaction(sent) != FhirInteraction.SEARCH_TYPE || restriction.outside().isEmpty()) {
      return false;
    }
    // patient names the patient a resource is about, wherever a type has it (Observation's member parameters are
    // subject and performer only).
    List<String> params = new ArrayList<>(List.of(sent.type().equals(compartment) ? "_id" : "patient"));
    params.addAll(compartments.params(compartment).getOrDefault(sent.type(), List.of()));
    for (Map.Entry<String, List<String>> param : sent.query().entrySet()) {
      String[] name = param.getKey().split(":", 2);
      if (params.contains(name[0]) && (name.length == 1 || name[1].equals(compartment))) {
        boolean typed = name.length > 1 || name[0].equals("_id") || name[0].equals(compartment.toLowerCase());
        for (String values : param.getValue()) { // each a criterion of its own: one naming only those suffices
          if (Arrays.stream(values.split(",")).map(value -> owner(value, typed, compartment))
              .allMatch(owner -> owner != null && restriction.outside().contains(owner))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The compartment owner a reference value names ({@code Patient/12}, a URL ending so, or {@code 12}), or null. */
  private static String owner(String value, boolean typed, String compartment) {
    int at = value.lastIndexOf(compartment + "/");
    if (at >= 0 && (at == 0 || value.charAt(at - 1) == '/')) {
      return value.substring(at + compartment.length() + 1);
    }
    return typed && !value.contains("/") ? value : null;
  }

  /**
   * The criteria of a search or a conditional write ({@code identifier=x}) with the parameter that keeps them to
   * the restriction's compartments added; null when the upstream searches resources of {@code type} by none of them.
   */
  Map<String, List<String>> criteria(String type, Map<String, List<String>> criteria, Restriction restriction) {
    String param = param(type, restriction.compartment());
    if (param == null || restriction.within() == null) {
      return null;
    }
    String owners = restriction.within().stream().sorted()
        .map(owner -> param.equals("_id") ? owner : restriction.compartment() + "/" + owner)
        .collect(Collectors.joining(","));
    Map<String, List<String>> narrowed = new LinkedHashMap<>(criteria);
    List<String> values = new ArrayList<>(narrowed.getOrDefault(param, List.of()));
    if (!values.contains(owners)) { // a next link of a narrowed search carries it already
      values.add(owners);
    }
    narrowed.put(param, values);
    return narrowed;
  }

  /**
   * Whether every match of {@code sent} (as sent upstream) lies within {@code restriction}, so that its total is
   * true: a search of one of its compartments, or narrowed by a member parameter, with nobody's opt-out to apply.
   */
  boolean isExact(FhirRequest sent, Restriction restriction) {
    if (restriction.within() == null || !restriction.outside().isEmpty()) {
      return false;
    }
    FhirInteraction interaction = IncludesPaging.interaction(sent);
    if (interaction == FhirInteraction.SEARCH_COMPARTMENT && isOwn(sent, restriction)) {
      return true;
    }
    String type = switch (interaction) {
      case SEARCH_TYPE -> sent.type();
      case SEARCH_COMPARTMENT -> sent.segment(2);
      default -> null;
    };
    if (type == null || !compartments.hasMembers(restriction.compartment(), type)) {
      return interaction == FhirInteraction.SEARCH_TYPE;
    }
    Map<String, List<String>> narrowed = criteria(type, Map.of(), restriction);
    return narrowed != null && narrowed.entrySet().stream()
        .allMatch(param -> sent.query().getOrDefault(param.getKey(), List.of()).containsAll(param.getValue()));
  }

  /** The parameter that names a {@code type}'s compartment owners and the upstream searches by, or null. */
  private String param(String type, String compartment) {
    if (type.equals(compartment)) {
      return "_id";
    }
    List<String> members = compartments.params(compartment).getOrDefault(type, List.of());
    List<String> ordered = new ArrayList<>(PREFERRED.stream().filter(members::contains).toList());
    members.stream().filter(name -> !ordered.contains(name)).forEach(ordered::add);
    return ordered.stream().filter(name -> capabilities.searches(type, name)).findFirst().orElse(null);
  }
}
