package io.brazier.proxy.isolation;

import ca.uhn.fhir.parser.DataFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import io.brazier.server.Restriction;
import io.brazier.server.http.Queries;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The check of a restricted caller's write before it goes to the server behind the standalone proxy, as
 * {@code serve --auth} checks it: a resource to store must lie within the caller's reach and in no compartment it
 * does not reach (403); one to replace or delete must lie within it now, a deleted one where the version it deleted
 * did (404 otherwise, as if it did not exist, and a delete of one that does not exist is the same 404, whatever the
 * server behind would answer); a
 * conditional write matches only within it (its criteria narrowed, or it is refused). A patch is refused for types
 * that are restricted: what it makes is known only once the server has stored it.
 */
final class UpstreamWrites {
  private static final ObjectMapper JSON = Jackson.MAPPER;

  private final Fhir fhir;
  private final Membership membership;
  private final CompartmentQuery query;
  private final Lookup upstream;
  private final Deletions deletions;

  UpstreamWrites(Fhir fhir, Membership membership, CompartmentQuery query, Lookup upstream) {
    this.fhir = fhir;
    this.membership = membership;
    this.query = query;
    this.upstream = upstream;
    this.deletions = new Deletions(membership, upstream);
  }

  /** {@code request} (a write, its body {@code body}) as it may go upstream; a FhirException when it may not. */
  FhirRequest checked(FhirRequest request, Restriction restriction, byte[] body) {
    FhirInteraction interaction = request.interaction();
    if (!membership.restricts(restriction, request.type())) {
      return request;
    }
    if (interaction == FhirInteraction.PATCH) {
      throw FhirException.forbidden("A patch of a " + request.type() + " is not taken from a caller that sees only"
          + " some patients' data, as its result cannot be checked before it is stored: read and update instead.");
    }
    if (request.id() != null) {
      Lookup.Answer current = checkReached(request.type() + "/" + request.id(), restriction);
      if (interaction == FhirInteraction.DELETE && current.status() == 404) {
        // As for one outside, and as Brazier answers: a server that answers 204 here would tell the two apart.
        throw FhirException.notFound(request.type(), request.id());
      }
    }
    if (interaction == FhirInteraction.CREATE || interaction == FhirInteraction.UPDATE) {
      checkStored(request, restriction, body);
    }
    String condition = request.header("If-None-Exist");
    if (interaction == FhirInteraction.CREATE && condition != null) {
      // Clients send the criteria bare or after the type, or the whole search URL: only what follows '?' changes.
      int question = condition.indexOf('?');
      Map<String, List<String>> narrowed = narrowed(request.type(), Queries.parse(condition.substring(question + 1)),
          restriction);
      return request.withHeader("If-None-Exist", condition.substring(0, question + 1) + query(narrowed));
    }
    if (request.id() == null && interaction != FhirInteraction.CREATE) {
      return request.withQuery(narrowed(request.type(), request.query(), restriction));
    }
    return request;
  }

  private Map<String, List<String>> narrowed(String type, Map<String, List<String>> criteria,
      Restriction restriction) {
    Map<String, List<String>> narrowed = query.criteria(type, criteria, restriction);
    if (narrowed == null) {
      throw FhirException.forbidden("A conditional write of a " + type + " must match only within the patients'"
          + " data the caller sees, and the server behind this proxy cannot search " + type + " by patient.");
    }
    return narrowed;
  }

  /** Criteria as a query string, {@code identifier=x&patient=Patient%2F12}. */
  private static String query(Map<String, List<String>> criteria) {
    StringBuilder query = new StringBuilder();
    criteria.forEach((name, values) -> values.forEach(value -> query.append(query.isEmpty() ? "" : "&")
        .append(encode(name)).append('=').append(encode(value))));
    return query.toString();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  /**
   * A resource to replace, delete or run an operation on, at {@code path}: as it is now ({@code Patient/12}), or
   * the version an operation names ({@code Patient/12/_history/3}), which is what the caller gets to see of it. The
   * caller must reach it, if it exists, or if deleted ({@link Deletions}); it is not known to the caller otherwise
   * (404), whatever the server would answer a write of a deletion outside (a delete's 204, say). Returns the
   * upstream's answer.
   */
  Lookup.Answer checkReached(String path, Restriction restriction) {
    Lookup.Answer current = upstream.needed(path);
    String[] resource = path.split("/");
    if ((current.status() == 200 && !membership.reaches(restriction, current.body()))
        || (current.status() == 410 && !deletionReached(restriction, resource))) {
      throw FhirException.notFound(resource[0], resource[1]);
    }
    return current;
  }

  /** Whether the deletion {@code resource} ({@code type, id} or {@code type, id, _history, version}) lies within. */
  private boolean deletionReached(Restriction restriction, String[] resource) {
    return resource.length == 4 ? deletions.reaches(restriction, resource[0], resource[1], resource[3])
        : deletions.reaches(restriction, resource[0], resource[1]);
  }

  private void checkStored(FhirRequest request, Restriction restriction, byte[] body) {
    JsonNode resource = resource(request, body);
    if (!request.type().equals(resource.path("resourceType").asText())) {
      return; // the server refuses a body of another type itself
    }
    boolean admitted;
    try {
      admitted = membership.admits(restriction, resource);
    } catch (DataFormatException e) {
      throw FhirException.badRequest("The body is not a valid " + request.type() + ": " + e.getMessage());
    }
    if (!admitted) {
      throw FhirException.forbidden("The caller may not store this " + request.type() + ": it would be in a "
          + restriction.compartment() + " compartment the caller does not reach, or in none.");
    }
  }

  /** The body as FHIR JSON, whichever format it came in. */
  private JsonNode resource(FhirRequest request, byte[] body) {
    if (body == null || body.length == 0) {
      throw FhirException.badRequest("A " + request.type() + " to store is the body of the request.");
    }
    try {
      Format format = request.bodyFormat();
      byte[] json = format == Format.JSON ? body : fhir.encode(Format.JSON, fhir.parse(format, body), false);
      return JSON.readTree(json);
    } catch (IOException | DataFormatException e) {
      throw FhirException.badRequest("The body is not a FHIR resource: " + e.getMessage());
    }
  }
}
