package io.brazier.server;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Compartments;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.server.http.FhirRequest;
import io.brazier.server.http.FhirResponse;
import io.brazier.server.interaction.Bodies;
import io.brazier.server.interaction.Conditions;
import io.brazier.server.interaction.Create;
import io.brazier.server.interaction.Delete;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Read;
import io.brazier.server.interaction.ReadSearchParameter;
import io.brazier.server.interaction.Search;
import io.brazier.server.interaction.SearchCompartment;
import io.brazier.server.interaction.SearchSystem;
import io.brazier.server.interaction.SearchType;
import io.brazier.server.interaction.StoredSearchParameters;
import io.brazier.server.interaction.Update;
import io.brazier.server.interaction.VRead;
import io.brazier.server.interaction.Writes;
import io.brazier.server.operation.AsyncStatus;
import io.brazier.server.operation.Expand;
import io.brazier.server.operation.Lookup;
import io.brazier.server.operation.PatientEverything;
import io.brazier.server.operation.ValidateCode;
import io.brazier.server.operation.Jobs;
import io.brazier.server.operation.Reindex;
import io.brazier.server.terminology.StoredTerminology;
import io.brazier.store.Store;
import java.time.Clock;
import java.util.List;

/**
 * The whole route table: which interaction answers a method on a path below the FHIR base. Read it top to bottom;
 * the path shapes are those of https://hl7.org/fhir/R4/http.html.
 */
public final class Routes {
  private final Fhir fhir;
  private final Interaction read;
  private final Interaction vread;
  private final Interaction create;
  private final Interaction update;
  private final Interaction delete;
  private final Interaction searchType;
  private final Interaction searchSystem;
  private final Interaction searchCompartment;
  private final Interaction reindex;
  private final Interaction asyncStatus;
  private final Interaction expand;
  private final Interaction lookup;
  private final Interaction validateCode;
  private final Interaction everything;
  private final Interaction readSearchParameter;

  public Routes(Fhir fhir, Store store, ServerConfig config) {
    this.fhir = fhir;
    FhirSearch search = new FhirSearch(fhir);
    StoredTerminology terminology = new StoredTerminology(store, fhir);
    new StoredSearchParameters(store, fhir, search.parameters()).load();
    Writes writes = new Writes(fhir, search, Clock.systemUTC());
    Bodies bodies = new Bodies(fhir);
    Conditions conditions = new Conditions(store, search.parser(), terminology);
    Search searches = new Search(fhir, store, search, terminology, config.historyPageSize());
    this.searchType = new SearchType(searches);
    this.searchSystem = new SearchSystem(searches);
    Compartments compartments = new Compartments(fhir);
    this.searchCompartment = new SearchCompartment(fhir, searches, compartments);
    this.everything = new PatientEverything(fhir, store, searches, compartments);
    Jobs jobs = new Jobs();
    this.reindex = new Reindex(fhir, store, search.extractor(), jobs);
    this.asyncStatus = new AsyncStatus(jobs);
    this.expand = new Expand(fhir, terminology);
    this.lookup = new Lookup(fhir, terminology);
    this.validateCode = new ValidateCode(fhir, terminology);
    this.read = new Read(store);
    this.readSearchParameter = new ReadSearchParameter(store, read, search.parameters());
    this.vread = new VRead(store);
    this.create = new Create(store, bodies, writes, conditions);
    this.update = new Update(store, bodies, writes, conditions);
    this.delete = new Delete(store, writes, conditions, config.conditionalDeleteMax());
  }

  /** Runs a request in process: the HTTP server, and any module of this process, come through here. */
  public FhirResponse handle(FhirRequest request) {
    return route(request).handle(request);
  }

  /** The interaction that answers a request; its class name names it in metrics and logs. */
  public Interaction route(FhirRequest request) {
    List<String> path = request.segments();
    if (path.isEmpty() || !Character.isUpperCase(path.get(0).charAt(0))) {
      return system(request);
    }
    String type = path.get(0);
    if (!fhir.isResourceType(type)) {
      throw FhirException.unknownType(type);
    }
    if (path.size() == 1) {
      return type(request);
    }
    String second = path.get(1);
    if (second.startsWith("$") || second.startsWith("_")) {
      return typeLevel(request, second);
    }
    if (!Fhir.isValidId(second)) {
      throw FhirException.badRequest("'" + second + "' is not a valid FHIR id (1-64 of A-Z a-z 0-9 - .).");
    }
    return instance(request);
  }

  /** [base], [base]/metadata, [base]/_history, [base]/$operation. */
  private Interaction system(FhirRequest request) {
    List<String> path = request.segments();
    boolean get = request.method().equals("GET") || request.method().equals("HEAD");
    if (path.isEmpty() && get || path.size() == 1 && path.get(0).equals("_search") && request.method().equals("POST")) {
      return searchSystem;
    }
    if (path.size() == 2 && path.get(0).equals("_async") && (get || request.method().equals("DELETE"))) {
      return asyncStatus;
    }
    if (path.size() == 1 && path.get(0).equals("$reindex") && request.method().equals("POST")) {
      return reindex;
    }
    throw notAllowed(request);
  }

  /** [base]/[type]. */
  private Interaction type(FhirRequest request) {
    return switch (request.method()) {
      case "GET", "HEAD" -> searchType;
      case "POST" -> create;
      case "PUT" -> update;
      case "DELETE" -> delete;
      default -> throw notAllowed(request);
    };
  }

  /** [base]/[type]/_history, [base]/[type]/_search, [base]/[type]/$operation. */
  private Interaction typeLevel(FhirRequest request, String name) {
    if (name.equals("_search") && request.method().equals("POST") && request.segments().size() == 2) {
      return searchType;
    }
    if (name.equals("$reindex") && request.method().equals("POST") && request.segments().size() == 2) {
      return reindex;
    }
    if (name.equals("$everything") && request.type().equals("Patient") && request.segments().size() == 2) {
      return everything;
    }
    Interaction terminologyOperation = terminology(request.type(), name);
    if (terminologyOperation != null && request.segments().size() == 2) {
      return terminologyOperation;
    }
    throw notAllowed(request);
  }

  /** [base]/[type]/[id] and below. */
  private Interaction instance(FhirRequest request) {
    List<String> path = request.segments();
    String method = request.method();
    boolean get = method.equals("GET") || method.equals("HEAD");
    if (path.size() == 2) {
      return switch (method) {
        case "GET", "HEAD" -> request.type().equals("SearchParameter") ? readSearchParameter : read;
        case "PUT" -> update;
        case "DELETE" -> delete;
        default -> throw notAllowed(request);
      };
    }
    if (path.size() == 4 && path.get(2).equals("_history") && get) {
      return vread;
    }
    if (path.size() == 3 && get && (path.get(2).equals("*") || Character.isUpperCase(path.get(2).charAt(0)))) {
      return searchCompartment;
    }
    if (path.size() == 3 && path.get(2).equals("$reindex") && method.equals("POST")) {
      return reindex;
    }
    if (path.size() == 3 && path.get(2).equals("$everything") && request.type().equals("Patient")) {
      return everything;
    }
    Interaction terminologyOperation = path.size() == 3 ? terminology(request.type(), path.get(2)) : null;
    if (terminologyOperation != null && terminologyOperation != lookup) {
      return terminologyOperation;
    }
    throw notAllowed(request);
  }

  /** $expand, $lookup and $validate-code on ValueSet and CodeSystem, by GET or POST; null for anything else. */
  private Interaction terminology(String type, String operation) {
    return switch (type + "/" + operation) {
      case "ValueSet/$expand" -> expand;
      case "CodeSystem/$lookup" -> lookup;
      case "ValueSet/$validate-code", "CodeSystem/$validate-code" -> validateCode;
      default -> null;
    };
  }

  private static FhirException notAllowed(FhirRequest request) {
    return FhirException.methodNotAllowed(request.method(), "/" + String.join("/", request.segments()));
  }
}
