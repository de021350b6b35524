package io.brazier.server;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Compartments;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.server.http.FhirRequest;
import io.brazier.server.http.FhirResponse;
import io.brazier.server.http.PageSizes;
import io.brazier.server.interaction.Bodies;
import io.brazier.server.interaction.Bundles;
import io.brazier.server.interaction.Capabilities;
import io.brazier.server.interaction.Commits;
import io.brazier.server.interaction.Conditions;
import io.brazier.server.interaction.Create;
import io.brazier.server.interaction.Delete;
import io.brazier.server.interaction.History;
import io.brazier.server.interaction.HistoryInstance;
import io.brazier.server.interaction.HistorySystem;
import io.brazier.server.interaction.HistoryType;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Patch;
import io.brazier.server.interaction.Read;
import io.brazier.server.interaction.References;
import io.brazier.server.interaction.ReadSearchParameter;
import io.brazier.server.interaction.Search;
import io.brazier.server.interaction.SearchCompartment;
import io.brazier.server.interaction.SearchSystem;
import io.brazier.server.interaction.SearchType;
import io.brazier.server.interaction.StoredSearchParameters;
import io.brazier.server.interaction.Supported;
import io.brazier.server.interaction.Update;
import io.brazier.server.interaction.VRead;
import io.brazier.server.interaction.Writes;
import io.brazier.server.operation.AsyncStatus;
import io.brazier.server.operation.Changes;
import io.brazier.server.operation.Expand;
import io.brazier.server.operation.Jobs;
import io.brazier.server.operation.Lookup;
import io.brazier.server.operation.PatientEverything;
import io.brazier.server.operation.Reindex;
import io.brazier.server.operation.Validate;
import io.brazier.server.operation.Translate;
import io.brazier.server.operation.ValidateCode;
import io.brazier.server.terminology.StoredTerminology;
import io.brazier.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;

/**
 * The whole route table: which interaction answers a method on a path below the FHIR base. Read it top to bottom;
 * the path shapes are those of https://hl7.org/fhir/R4/http.html.
 */
public final class Routes {
  private static final Set<String> SYSTEM_SEGMENTS = Set.of("metadata", "_history", "_search", "_async");
  private final Fhir fhir;
  private final Bodies bodies;
  private final Interaction read;
  private final Interaction vread;
  private final Interaction create;
  private final Interaction update;
  private final Interaction delete;
  private final Interaction bundles;
  private final Interaction patch;
  private final Interaction historyInstance;
  private final Interaction historyType;
  private final Interaction historySystem;
  private final Interaction changes;
  private final Validate validate;
  private final Interaction searchType;
  private final Interaction searchSystem;
  private final Interaction searchCompartment;
  private final Interaction readSearchParameter;
  private final Interaction reindex;
  private final Interaction asyncStatus;
  private final Jobs jobs;
  private final Interaction expand;
  private final Interaction lookup;
  private final Interaction validateCode;
  private final Interaction translate;
  private final Interaction everything;
  private final Interaction capabilities;

  public Routes(Fhir fhir, Store store, ServerConfig config) {
    this.fhir = fhir;
    FhirSearch search = new FhirSearch(fhir);
    new StoredSearchParameters(store, fhir, search.parameters()).load();
    StoredTerminology terminology = new StoredTerminology(store, fhir);
    Writes writes = new Writes(fhir, search, Clock.systemUTC());
    this.bodies = new Bodies(fhir);
    Conditions conditions = new Conditions(store, search.parser(), terminology);
    References references = new References(fhir, store, conditions, writes,
        config.referentialIntegrity() == ServerConfig.ReferentialIntegrity.ENFORCE,
        config.missingReferences() == ServerConfig.MissingReferences.PLACEHOLDER);
    Commits commits = new Commits(store, references);
    // Declare each interaction as you build it: metadata lists exactly what is declared here.
    Supported supported = new Supported();
    this.read = supported.type(TypeRestfulInteraction.READ, new Read(store));
    this.readSearchParameter = new ReadSearchParameter(store, read, search.parameters());
    this.vread = supported.type(TypeRestfulInteraction.VREAD, new VRead(store));
    this.create = supported.type(TypeRestfulInteraction.CREATE,
        new Create(store, bodies, writes, conditions, commits));
    this.update = supported.type(TypeRestfulInteraction.UPDATE,
        new Update(store, bodies, writes, conditions, commits));
    this.delete = supported.type(TypeRestfulInteraction.DELETE,
        new Delete(store, writes, conditions, commits, config.conditionalDeleteMax()));
    this.patch = supported.type(TypeRestfulInteraction.PATCH,
        new Patch(fhir, store, bodies, writes, conditions, commits));
    Bundles bundles = new Bundles(fhir, store, this.bodies, references, commits, this::route,
        config.bundleMaxEntries(), config.bundleMaxBytes());
    this.bundles = supported.system(SystemRestfulInteraction.BATCH,
        supported.system(SystemRestfulInteraction.TRANSACTION, bundles));
    PageSizes pageSizes = new PageSizes(config.pageSize(), config.maxPageSize());
    History history = new History(store, pageSizes);
    this.historyInstance = supported.type(TypeRestfulInteraction.HISTORYINSTANCE, new HistoryInstance(store, history));
    this.historyType = supported.type(TypeRestfulInteraction.HISTORYTYPE, new HistoryType(history));
    this.historySystem = supported.system(SystemRestfulInteraction.HISTORYSYSTEM, new HistorySystem(history));
    Search searches = new Search(fhir, store, search, terminology, pageSizes);
    this.searchType = supported.type(TypeRestfulInteraction.SEARCHTYPE, new SearchType(searches));
    this.searchSystem = supported.system(SystemRestfulInteraction.SEARCHSYSTEM, new SearchSystem(searches));
    Compartments compartments = new Compartments(fhir);
    this.searchCompartment = new SearchCompartment(fhir, searches, compartments);
    this.changes = supported.systemOperation(Changes.OPERATION, new Changes(store, pageSizes));
    this.validate = supported.typeOperation(Validate.OPERATION, new Validate(fhir, store));
    this.jobs = new Jobs(store.jobs(), fhir, Jobs.LEASE);
    Reindex reindexing = new Reindex(fhir, store, search.extractor(), jobs);
    jobs.register(Reindex.KIND, reindexing);
    this.reindex = supported.systemOperation(Reindex.OPERATION,
        supported.typeOperation(Reindex.OPERATION, reindexing));
    this.asyncStatus = new AsyncStatus(fhir, jobs);
    this.expand = supported.typeOperation("ValueSet", Expand.OPERATION, new Expand(fhir, terminology));
    this.lookup = supported.typeOperation("CodeSystem", Lookup.OPERATION, new Lookup(fhir, terminology));
    this.validateCode = supported.typeOperation("CodeSystem", ValidateCode.CODE_SYSTEM_OPERATION,
        supported.typeOperation("ValueSet", ValidateCode.VALUE_SET_OPERATION, new ValidateCode(fhir, terminology)));
    this.translate = supported.typeOperation("ConceptMap", Translate.OPERATION, new Translate(fhir, terminology));
    this.everything = supported.typeOperation("Patient", PatientEverything.OPERATION,
        new PatientEverything(fhir, store, searches, compartments));
    // Last: it describes all of the above.
    this.capabilities = new Capabilities(fhir, supported, search.parameters(), config.baseUrl());
  }

  /**
   * Loads in the background what the first requests would otherwise wait for, and starts running background jobs;
   * call it once the server listens.
   */
  public void warmUp() {
    bodies.warmUp();
    validate.warmUp();
    jobs.start();
  }

  /** Stops running background jobs: a running one is queued again for another node (or this one, restarted). */
  public void close() {
    jobs.close();
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

  /** [base], [base]/metadata, [base]/_history, [base]/_search, [base]/_async/[id], [base]/$operation. */
  private Interaction system(FhirRequest request) {
    List<String> path = request.segments();
    if (path.isEmpty() && request.method().equals("POST")) {
      return bundles;
    }
    if (path.isEmpty() && isRead(request)) {
      return searchSystem;
    }
    if (path.size() == 1 && isRead(request)) {
      switch (path.get(0)) {
        case "metadata" -> { return capabilities; }
        case "_history" -> { return historySystem; }
        case "$changes" -> { return changes; }
        default -> { }
      }
    }
    if (path.size() == 1 && request.method().equals("POST")) {
      switch (path.get(0)) {
        case "_search" -> { return searchSystem; }
        case "$reindex" -> { return reindex; }
        default -> { }
      }
    }
    if (path.size() == 2 && path.get(0).equals("_async") && (isRead(request) || request.method().equals("DELETE"))) {
      return asyncStatus;
    }
    if (!path.isEmpty() && !SYSTEM_SEGMENTS.contains(path.get(0)) && !path.get(0).startsWith("$")) {
      throw FhirException.unknownType(path.get(0)); // such as "patient": resource types start upper-case
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
      case "PATCH" -> patch;
      default -> throw notAllowed(request);
    };
  }

  /** [base]/[type]/_history, [base]/[type]/_search, [base]/[type]/$operation. */
  private Interaction typeLevel(FhirRequest request, String name) {
    if (request.segments().size() != 2) {
      throw notAllowed(request);
    }
    if (isRead(request) && name.equals("_history")) {
      return historyType;
    }
    boolean post = request.method().equals("POST");
    if (post && name.equals("_search")) {
      return searchType;
    }
    if (post && name.equals("$validate")) {
      return validate;
    }
    if (post && name.equals("$reindex")) {
      return reindex;
    }
    Interaction operation = typeOperation(request.type(), name);
    if (operation != null && (isRead(request) || post)) {
      return operation;
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
        case "PATCH" -> patch;
        default -> throw notAllowed(request);
      };
    }
    if (path.size() == 3 && path.get(2).equals("_history") && get) {
      return historyInstance;
    }
    if (path.size() == 4 && path.get(2).equals("_history") && get) {
      return vread;
    }
    if (path.size() == 3 && path.get(2).equals("$validate") && (get || method.equals("POST"))) {
      return validate;
    }
    if (path.size() == 3 && path.get(2).equals("$reindex") && method.equals("POST")) {
      return reindex;
    }
    Interaction operation = path.size() == 3 ? typeOperation(request.type(), path.get(2)) : null;
    if (operation != null && operation != lookup && (get || method.equals("POST"))) {
      return operation;
    }
    if (path.size() == 3 && get && (path.get(2).equals("*") || Character.isUpperCase(path.get(2).charAt(0)))) {
      return searchCompartment;
    }
    throw notAllowed(request);
  }

  /** The operations of one type, by GET or POST: terminology and $everything; null for anything else. */
  private Interaction typeOperation(String type, String operation) {
    return switch (type + "/" + operation) {
      case "ValueSet/$expand" -> expand;
      case "CodeSystem/$lookup" -> lookup;
      case "ValueSet/$validate-code", "CodeSystem/$validate-code" -> validateCode;
      case "ConceptMap/$translate" -> translate;
      case "Patient/$everything" -> everything;
      default -> null;
    };
  }

  private static boolean isRead(FhirRequest request) {
    return request.method().equals("GET") || request.method().equals("HEAD");
  }

  private static FhirException notAllowed(FhirRequest request) {
    return FhirException.methodNotAllowed(request.method(), "/" + String.join("/", request.segments()));
  }
}
