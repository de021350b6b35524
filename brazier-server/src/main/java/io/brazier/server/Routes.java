package io.brazier.server;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.http.FhirRequest;
import io.brazier.server.http.FhirResponse;
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
import io.brazier.server.interaction.Supported;
import io.brazier.server.interaction.Update;
import io.brazier.server.interaction.VRead;
import io.brazier.server.interaction.Writes;
import io.brazier.server.operation.Changes;
import io.brazier.server.operation.Validate;
import io.brazier.store.Store;
import java.time.Clock;
import java.util.List;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;

/**
 * The whole route table: which interaction answers a method on a path below the FHIR base. Read it top to bottom;
 * the path shapes are those of https://hl7.org/fhir/R4/http.html.
 */
public final class Routes {
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
  private final Interaction capabilities;

  public Routes(Fhir fhir, Store store, ServerConfig config) {
    this.fhir = fhir;
    Writes writes = new Writes(fhir, Clock.systemUTC());
    this.bodies = new Bodies(fhir);
    Conditions conditions = new Conditions(store);
    References references = new References(fhir, store, conditions, writes,
        config.referentialIntegrity() == ServerConfig.ReferentialIntegrity.ENFORCE,
        config.missingReferences() == ServerConfig.MissingReferences.PLACEHOLDER);
    Commits commits = new Commits(store, references);
    // Declare each interaction as you build it: metadata lists exactly what is declared here.
    Supported supported = new Supported();
    this.read = supported.type(TypeRestfulInteraction.READ, new Read(store));
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
    History history = new History(store, config.historyPageSize());
    this.historyInstance = supported.type(TypeRestfulInteraction.HISTORYINSTANCE, new HistoryInstance(store, history));
    this.historyType = supported.type(TypeRestfulInteraction.HISTORYTYPE, new HistoryType(history));
    this.historySystem = supported.system(SystemRestfulInteraction.HISTORYSYSTEM, new HistorySystem(history));
    this.changes = supported.systemOperation(Changes.OPERATION, new Changes(store, config.historyPageSize()));
    this.validate = supported.typeOperation(Validate.OPERATION, new Validate(fhir, store));
    this.capabilities = new Capabilities(fhir, supported, config.baseUrl()); // last: it describes all of the above
  }

  /** Loads in the background what the first requests would otherwise wait for; call it once the server listens. */
  public void warmUp() {
    bodies.warmUp();
    validate.warmUp();
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
    if (path.isEmpty() && request.method().equals("POST")) {
      return bundles;
    }
    if (path.size() == 1 && isRead(request)) {
      switch (path.get(0)) {
        case "metadata" -> { return capabilities; }
        case "_history" -> { return historySystem; }
        case "$changes" -> { return changes; }
        default -> { }
      }
    }
    throw notAllowed(request);
  }

  /** [base]/[type]. */
  private Interaction type(FhirRequest request) {
    return switch (request.method()) {
      case "POST" -> create;
      case "PUT" -> update;
      case "DELETE" -> delete;
      case "PATCH" -> patch;
      default -> throw notAllowed(request);
    };
  }

  /** [base]/[type]/_history, [base]/[type]/_search, [base]/[type]/$operation. */
  private Interaction typeLevel(FhirRequest request, String name) {
    if (request.segments().size() == 2 && isRead(request) && name.equals("_history")) {
      return historyType;
    }
    if (request.segments().size() == 2 && name.equals("$validate") && request.method().equals("POST")) {
      return validate;
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
        case "GET", "HEAD" -> read;
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
    throw notAllowed(request);
  }

  private static boolean isRead(FhirRequest request) {
    return request.method().equals("GET") || request.method().equals("HEAD");
  }

  private static FhirException notAllowed(FhirRequest request) {
    return FhirException.methodNotAllowed(request.method(), "/" + String.join("/", request.segments()));
  }
}
