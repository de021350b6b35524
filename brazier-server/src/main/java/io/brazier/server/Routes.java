package io.brazier.server;

import static io.brazier.server.interaction.Operations.ALL_LEVELS;
import static io.brazier.server.interaction.Operations.ANY_TYPE;
import static io.brazier.server.interaction.Operations.DELETE;
import static io.brazier.server.interaction.Operations.GET;
import static io.brazier.server.interaction.Operations.GET_OR_POST;
import static io.brazier.server.interaction.Operations.POST;
import static io.brazier.server.interaction.Operations.TYPE_AND_INSTANCE;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Compartments;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.server.http.PageSizes;
import io.brazier.server.export.Export;
import io.brazier.server.export.ExportJob;
import io.brazier.server.export.Exports;
import io.brazier.server.interaction.Bodies;
import io.brazier.server.interaction.Bundles;
import io.brazier.server.interaction.Capabilities;
import io.brazier.server.interaction.ChangeMeta;
import io.brazier.server.interaction.Commits;
import io.brazier.server.interaction.Conditions;
import io.brazier.server.interaction.Create;
import io.brazier.server.interaction.Delete;
import io.brazier.server.interaction.History;
import io.brazier.server.interaction.HistoryInstance;
import io.brazier.server.interaction.HistorySystem;
import io.brazier.server.interaction.HistoryType;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.EntryRouter;
import io.brazier.server.interaction.Operations;
import io.brazier.server.interaction.Operations.Level;
import io.brazier.server.interaction.Operations.Operation;
import io.brazier.server.interaction.Patch;
import io.brazier.server.interaction.Reachable;
import io.brazier.server.interaction.Read;
import io.brazier.server.interaction.References;
import io.brazier.server.interaction.RestrictionCriteria;
import io.brazier.server.interaction.IncludedPages;
import io.brazier.server.interaction.ProfileValidationOnWrite;
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
import io.brazier.server.operation.BulkUpdate;
import io.brazier.server.operation.BulkDelete;
import io.brazier.server.operation.Changes;
import io.brazier.server.operation.ConvertData;
import io.brazier.server.operation.DocRef;
import io.brazier.server.operation.Expand;
import io.brazier.server.operation.FhirVersions;
import io.brazier.server.operation.Import;
import io.brazier.server.operation.Jobs;
import io.brazier.server.operation.Lookup;
import io.brazier.server.operation.MemberMatch;
import io.brazier.server.operation.PatientEverything;
import io.brazier.server.operation.PurgeHistory;
import io.brazier.server.operation.ReadMeta;
import io.brazier.server.operation.Reindex;
import io.brazier.server.operation.RequestsInFlight;
import io.brazier.server.operation.SearchParameterStatus;
import io.brazier.server.operation.Validate;
import io.brazier.server.operation.Translate;
import io.brazier.server.operation.ValidateCode;
import io.brazier.server.terminology.StoredTerminology;
import io.brazier.store.Store;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * The whole route table: which interaction answers a method on a path below the FHIR base. Read it top to bottom;
 * the path shapes are those of https://hl7.org/fhir/R4/http.html.
 */
final class Routes {
  private static final Set<String> SYSTEM_SEGMENTS = Set.of("metadata", "_history", "_search", "_async");
  /** [base]/Metadata, as some clients (the MC4H training's collection) write it and Azure answers it. */
  private static final String METADATA_AS_TYPE = "Metadata";
  /** The methods of the FHIR RESTful API, in the order an Allow header names them. */
  private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH");
  private final Fhir fhir;
  private final Bodies bodies;
  private final Validate validate;
  private final Jobs jobs;
  private final Import imports;
  private final Exports exports;
  private final Runnable stopFollowing;
  private final Operations operations = new Operations();
  private final Reachable reachable;
  private final Route read;
  private final Route readSearchParameter;
  private final Route vread;
  private final Route create;
  private final Route update;
  private final Route delete;
  private final Route patch;
  private final Route bundles;
  private final Route historyInstance;
  private final Route historyType;
  private final Route historySystem;
  private final Route searchType;
  private final Route searchSystem;
  private final Route searchCompartment;
  private final Route compartmentIncludes;
  private final Route capabilities;
  private final Route asyncStatus;

  /** @param search this server's own: it follows the SearchParameter resources stored in {@code store} */
  Routes(FhirSearch search, Store store, ServerConfig config, EntryRouter entries) {
    Fhir fhir = search.fhir();
    this.fhir = fhir;
    this.stopFollowing = new StoredSearchParameters(store, fhir, search.parameters()).follow();
    StoredTerminology terminology = new StoredTerminology(store, fhir);
    Writes writes = new Writes(fhir, search, Clock.systemUTC(), config.maxIndexEntries());
    this.bodies = new Bodies(fhir);
    RestrictionCriteria restrictions = new RestrictionCriteria(search.compartments());
    this.reachable = new Reachable(store, search, restrictions);
    Conditions conditions = new Conditions(store, search.parser(), terminology, restrictions);
    References references = new References(fhir, store, reachable, conditions, writes,
        config.referentialIntegrity() == ServerConfig.ReferentialIntegrity.ENFORCE,
        config.missingReferences() == ServerConfig.MissingReferences.PLACEHOLDER);
    Commits commits = new Commits(store, references, reachable);
    this.validate = new Validate(fhir, store, reachable);
    ProfileValidationOnWrite profiles = new ProfileValidationOnWrite(validate::validate, config.profileValidation());
    // Declare each interaction as you build it: metadata lists exactly what is declared here.
    Supported supported = new Supported();
    Read reads = supported.type(TypeRestfulInteraction.READ, new Read(reachable));
    this.read = Route.of(FhirInteraction.READ, reads);
    this.readSearchParameter =
        Route.of(FhirInteraction.READ, new ReadSearchParameter(store, reads, search.parameters()));
    this.vread = Route.of(FhirInteraction.VREAD, supported.type(TypeRestfulInteraction.VREAD, new VRead(store, reachable)));
    this.create = Route.of(FhirInteraction.CREATE, supported.type(TypeRestfulInteraction.CREATE,
        new Create(bodies, writes, conditions, commits, profiles)));
    this.update = Route.of(FhirInteraction.UPDATE, supported.type(TypeRestfulInteraction.UPDATE,
        new Update(bodies, writes, conditions, commits, profiles)));
    Delete deletes = supported.type(TypeRestfulInteraction.DELETE,
        new Delete(store, writes, conditions, commits, config.conditionalDeleteMax()));
    this.delete = Route.of(FhirInteraction.DELETE, deletes);
    Patch patches = supported.type(TypeRestfulInteraction.PATCH,
        new Patch(fhir, store, bodies, writes, conditions, commits));
    this.patch = Route.of(FhirInteraction.PATCH, patches);
    Bundles bundles = new Bundles(fhir, store, this.bodies, references, reachable, commits, entries,
        config.bundleMaxEntries(), config.bundleMaxBytes());
    this.bundles = Route.of(FhirInteraction.BUNDLE, supported.system(SystemRestfulInteraction.BATCH,
        supported.system(SystemRestfulInteraction.TRANSACTION, bundles)));
    PageSizes pageSizes = new PageSizes(config.pageSize(), config.maxPageSize(), config.maxIncludes());
    History history = new History(store, reachable, pageSizes);
    this.historyInstance = Route.of(FhirInteraction.HISTORY_INSTANCE,
        supported.type(TypeRestfulInteraction.HISTORYINSTANCE, new HistoryInstance(store, reachable, history)));
    this.historyType = Route.of(FhirInteraction.HISTORY_TYPE,
        supported.type(TypeRestfulInteraction.HISTORYTYPE, new HistoryType(history)));
    this.historySystem = Route.of(FhirInteraction.HISTORY_SYSTEM,
        supported.system(SystemRestfulInteraction.HISTORYSYSTEM, new HistorySystem(history)));
    Search searches = new Search(fhir, store, search, terminology, pageSizes, restrictions);
    this.searchType = Route.of(FhirInteraction.SEARCH_TYPE,
        supported.type(TypeRestfulInteraction.SEARCHTYPE, new SearchType(searches)));
    this.searchSystem = Route.of(FhirInteraction.SEARCH_SYSTEM,
        supported.system(SystemRestfulInteraction.SEARCHSYSTEM, new SearchSystem(searches)));
    Compartments compartments = search.compartments();
    SearchCompartment compartmentSearch = new SearchCompartment(fhir, searches, compartments);
    this.searchCompartment = Route.of(FhirInteraction.SEARCH_COMPARTMENT, compartmentSearch);
    this.jobs = new Jobs(store.jobs(), fhir, Jobs.LEASE);
    this.asyncStatus = Route.of(FhirInteraction.ASYNC_STATUS, new AsyncStatus(jobs));

    // The operations, one line each: where they are invoked, on which types, by which methods.
    operations.add(Changes.OPERATION, EnumSet.of(Level.SYSTEM), ANY_TYPE, GET, new Changes(fhir, store, pageSizes));
    operations.add(FhirVersions.OPERATION, EnumSet.of(Level.SYSTEM), ANY_TYPE, GET_OR_POST, new FhirVersions());
    operations.add(Validate.OPERATION, TYPE_AND_INSTANCE, ANY_TYPE, GET_OR_POST, validate);
    operations.add(Validate.OPERATION, EnumSet.of(Level.SYSTEM), ANY_TYPE, POST, validate); // the body's type
    Reindex reindex = operations.add(Reindex.OPERATION, ALL_LEVELS, ANY_TYPE, POST,
        new Reindex(fhir, store, search.extractor(), jobs));
    jobs.register(Reindex.KIND, reindex);
    this.imports = operations.add(Import.OPERATION, EnumSet.of(Level.SYSTEM), ANY_TYPE, POST,
        new Import(fhir, store, bodies, writes, reachable, conditions, compartments, config, jobs));
    jobs.register(Import.KIND, imports);
    this.exports = new Exports(fhir, store, search, terminology, config.exports(), jobs);
    operations.add(Export.SYSTEM, EnumSet.of(Level.SYSTEM), ANY_TYPE, GET_OR_POST, exports.kickOff());
    operations.add(Export.PATIENT, EnumSet.of(Level.TYPE), Set.of("Patient"), GET_OR_POST, exports.kickOff());
    operations.add(Export.GROUP, EnumSet.of(Level.INSTANCE), Set.of("Group"), GET_OR_POST, exports.kickOff());
    jobs.register(ExportJob.KIND, exports.job(), config.exports().maxRunning());
    jobs.register(BulkUpdate.KIND, operations.add(BulkUpdate.OPERATION, EnumSet.of(Level.SYSTEM, Level.TYPE), ANY_TYPE,
        Set.of("PATCH"), new BulkUpdate(fhir, search, terminology, store, patches.skippingUnchanged(), jobs)));
    operations.add(Expand.OPERATION, TYPE_AND_INSTANCE, Set.of("ValueSet"), GET_OR_POST,
        new Expand(fhir, terminology));
    operations.add(Lookup.OPERATION, EnumSet.of(Level.TYPE), Set.of("CodeSystem"), GET_OR_POST,
        new Lookup(fhir, terminology));
    ValidateCode validateCode = new ValidateCode(fhir, terminology);
    operations.add(ValidateCode.CODE_SYSTEM_OPERATION, TYPE_AND_INSTANCE, Set.of("CodeSystem"), GET_OR_POST,
        validateCode);
    operations.add(ValidateCode.VALUE_SET_OPERATION, TYPE_AND_INSTANCE, Set.of("ValueSet"), GET_OR_POST,
        validateCode);
    operations.add(Translate.OPERATION, TYPE_AND_INSTANCE, Set.of("ConceptMap"), GET_OR_POST,
        new Translate(fhir, terminology));
    operations.add(ReadMeta.OPERATION, EnumSet.allOf(Level.class), ANY_TYPE, GET_OR_POST,
        new ReadMeta(fhir, store, reachable));
    operations.add(ChangeMeta.ADD, EnumSet.of(Level.INSTANCE), ANY_TYPE, POST,
        ChangeMeta.adding(fhir, writes, commits));
    operations.add(ChangeMeta.DELETE, EnumSet.of(Level.INSTANCE), ANY_TYPE, POST,
        ChangeMeta.deleting(fhir, writes, commits));
    operations.add(PurgeHistory.OPERATION, EnumSet.of(Level.INSTANCE), ANY_TYPE, DELETE, new PurgeHistory(store));
    IncludedPages includedPages = operations.add(IncludedPages.OPERATION, EnumSet.of(Level.SYSTEM, Level.TYPE),
        ANY_TYPE, GET, new IncludedPages(searches, compartmentSearch));
    // A compartment search's is below the search it pages, a level no other operation has.
    this.compartmentIncludes = new Route(FhirInteraction.OPERATION, "$" + IncludedPages.OPERATION.name(),
        includedPages, Route.nameOf(includedPages));
    BulkDelete bulkDelete = new BulkDelete(fhir, store, search, conditions, deletes, jobs);
    operations.add(BulkDelete.OPERATION, EnumSet.of(Level.SYSTEM, Level.TYPE), ANY_TYPE, DELETE, bulkDelete);
    operations.add(BulkDelete.SOFT_DELETED, EnumSet.of(Level.SYSTEM, Level.TYPE), ANY_TYPE, DELETE, bulkDelete);
    jobs.register(BulkDelete.KIND, bulkDelete);
    operations.add(PatientEverything.OPERATION, TYPE_AND_INSTANCE, Set.of("Patient"), GET_OR_POST,
        new PatientEverything(fhir, reachable, searches, compartments));
    operations.add(SearchParameterStatus.OPERATION, EnumSet.of(Level.TYPE), Set.of("SearchParameter"),
        SearchParameterStatus.METHODS, new SearchParameterStatus(fhir, store, search.parameters()));
    operations.add(DocRef.OPERATION, EnumSet.of(Level.TYPE), Set.of("DocumentReference"), GET_OR_POST,
        new DocRef(fhir, reachable, searches));
    operations.add(MemberMatch.OPERATION, EnumSet.of(Level.TYPE), Set.of("Patient"), POST,
        new MemberMatch(fhir, store, conditions, reachable));
    operations.add(ConvertData.OPERATION, EnumSet.of(Level.SYSTEM), ANY_TYPE, POST, new ConvertData(fhir));
    // Last: it describes all of the above.
    this.capabilities = Route.of(FhirInteraction.CAPABILITIES,
        new Capabilities(fhir, supported, operations, search.parameters(), config.baseUrl()));
  }

  /**
   * Loads in the background what the first requests would otherwise wait for, once no request of {@code requests} is
   * open, and starts running background jobs; call it once the server listens.
   */
  void warmUp(RequestsInFlight requests) {
    validate.warmUp(requests);
    imports.warmUp();
    jobs.start();
    exports.start();
  }

  /**
   * Stops running background jobs (a running one is queued again for another node, or this one restarted) and
   * following the stored search parameters.
   */
  void close() {
    jobs.close();
    exports.close();
    imports.close();
    stopFollowing.run();
  }

  /**
   * Where a request goes; a FhirException when nothing here answers it: 404 for a type or a path no method takes (an
   * operation this server does not know), 405 with {@code Allow} for a method the path does not take (RFC 9110
   * section 15.5.6: a 405 names the methods that are).
   */
  Route route(FhirRequest request) {
    try {
      return find(request);
    } catch (FhirException e) {
      if (e.status() != 405) {
        throw e;
      }
      List<String> allowed = METHODS.stream().filter(method -> takes(request, method)).toList();
      if (allowed.isEmpty()) {
        throw new FhirException(404, IssueType.NOTSUPPORTED, "This server has nothing at /"
            + String.join("/", request.segments()) + ": no interaction or operation it knows takes that path.");
      }
      throw e.withHeader("Allow", String.join(", ", allowed));
    }
  }

  /** Whether the path of {@code request} takes {@code method}. */
  private boolean takes(FhirRequest request, String method) {
    try {
      find(new FhirRequest(method, request.segments(), Map.of(), name -> null, null, request.baseUrl()));
      return true;
    } catch (FhirException e) {
      return false;
    }
  }

  private Route find(FhirRequest request) {
    List<String> path = request.segments();
    if (path.isEmpty() || !Character.isUpperCase(path.get(0).charAt(0)) || path.get(0).equals(METADATA_AS_TYPE)) {
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

  /**
   * [base], [base]/metadata, [base]/_history, [base]/_search, [base]/_async/[id], [base]/_async/[id]/[file],
   * [base]/$operation.
   */
  private Route system(FhirRequest request) {
    List<String> path = request.segments();
    if (path.isEmpty() && request.method().equals("POST")) {
      return bundles;
    }
    if (path.isEmpty() && isRead(request)) {
      return searchSystem;
    }
    if (path.size() == 1 && path.get(0).startsWith("$")) {
      return operation(request, Level.SYSTEM, null, path.get(0));
    }
    if (path.size() == 1 && isRead(request)) {
      switch (path.get(0)) {
        case "metadata", METADATA_AS_TYPE -> { return capabilities; }
        case "_history" -> { return historySystem; }
        default -> { }
      }
    }
    if (path.size() == 1 && request.method().equals("POST") && path.get(0).equals("_search")) {
      return searchSystem;
    }
    if (path.size() == 2 && path.get(0).equals("_async") && (isRead(request) || request.method().equals("DELETE"))) {
      return asyncStatus;
    }
    if (path.size() == 3 && path.get(0).equals("_async") && isRead(request)) {
      return asyncStatus; // a file of the job's result
    }
    if (!path.isEmpty() && !SYSTEM_SEGMENTS.contains(path.get(0))) {
      throw FhirException.unknownType(path.get(0)); // such as "patient": resource types start upper-case
    }
    throw notAllowed(request);
  }

  /** [base]/[type]. */
  private Route type(FhirRequest request) {
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
  private Route typeLevel(FhirRequest request, String name) {
    if (request.segments().size() != 2) {
      throw notAllowed(request);
    }
    if (isRead(request) && name.equals("_history")) {
      return historyType;
    }
    if (request.method().equals("POST") && name.equals("_search")) {
      return searchType;
    }
    if (name.startsWith("$")) {
      return operation(request, Level.TYPE, request.type(), name);
    }
    throw notAllowed(request);
  }

  /** [base]/[type]/[id] and below. */
  private Route instance(FhirRequest request) {
    List<String> path = request.segments();
    String method = request.method();
    boolean get = isRead(request);
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
    if (path.size() == 3 && path.get(2).startsWith("$")) {
      return operation(request, Level.INSTANCE, request.type(), path.get(2));
    }
    if (path.size() == 5 && path.get(2).equals("_history") && path.get(4).startsWith("$")) {
      return operation(request, Level.VERSION, request.type(), path.get(4));
    }
    if (path.size() == 3 && get && (path.get(2).equals("*") || Character.isUpperCase(path.get(2).charAt(0)))) {
      return searchCompartment;
    }
    if (path.size() == 4 && get && path.get(3).equals(compartmentIncludes.operation())
        && (path.get(2).equals("*") || Character.isUpperCase(path.get(2).charAt(0)))) {
      return compartmentIncludes; // [base]/[Compartment]/[id]/[type]/$includes
    }
    if (method.equals("POST") && path.get(path.size() - 1).equals("_search")
        && (path.size() == 3 || path.size() == 4 && Character.isUpperCase(path.get(2).charAt(0)))) {
      return searchCompartment; // [base]/[Compartment]/[id]/_search and [base]/[Compartment]/[id]/[type]/_search
    }
    throw notAllowed(request);
  }

  private Route operation(FhirRequest request, Level level, String type, String name) {
    Operation operation = operations.find(level, type, name);
    if (operation == null || !operation.takes(request.method())) {
      throw notAllowed(request);
    }
    Interaction handler = operation.handler();
    return new Route(FhirInteraction.OPERATION, name, level != Level.INSTANCE ? handler : instance -> {
      // A resource outside the request's restriction is not known to any operation on it.
      if (instance.restriction() != null
          && reachable.current(instance.restriction(), instance.type(), instance.id()).isEmpty()) {
        throw FhirException.notFound(instance.type(), instance.id());
      }
      return handler.handle(instance);
    }, Route.nameOf(handler));
  }

  private static boolean isRead(FhirRequest request) {
    return request.method().equals("GET") || request.method().equals("HEAD");
  }

  private static FhirException notAllowed(FhirRequest request) {
    return FhirException.methodNotAllowed(request.method(), "/" + String.join("/", request.segments()));
  }
}
