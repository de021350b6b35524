package io.brazier.server.interaction;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.http.Formats;
import io.brazier.store.JobHeartbeat;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import io.brazier.store.Write;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;

/**
 * FHIR patch: PATCH [base]/[type]/[id], and conditional patch PATCH [base]/[type]?criteria, with a JSON Patch
 * ({@code application/json-patch+json}) or a FHIRPath Patch (a Parameters resource in JSON or XML). The patch
 * applies to the current version, and the result must pass the same base R4 checks as an update and keep its type
 * and id. If-Match and retries on concurrent writes work as in update, and a patch can be an entry of a
 * transaction. https://hl7.org/fhir/R4/http.html#patch
 */
public final class Patch implements WriteInteraction {
  private final Fhir fhir;
  private final Store store;
  private final Bodies bodies;
  private final Writes writes;
  private final Conditions conditions;
  private final Commits commits;
  private final JsonPatch jsonPatch = new JsonPatch();
  private final FhirPathPatch fhirPathPatch;
  private final boolean skipsUnchanged;
  private final AtomicReference<Read> lastRead = new AtomicReference<>();

  /**
   * The last patch document read, and the body (with its Content-Type) it was read from: a $bulk-update sends the
   * same body for every resource it patches, and each request needs its document twice (target and prepare).
   */
  private record Read(String contentType, byte[] body, PatchDocument document) {
    boolean of(FhirRequest request) {
      return Objects.equals(contentType, request.header("Content-Type")) && Arrays.equals(body, request.body());
    }
  }

  public Patch(Fhir fhir, Store store, Bodies bodies, Writes writes, Conditions conditions, Commits commits) {
    this(fhir, store, bodies, writes, conditions, commits, new FhirPathPatch(fhir), false);
  }

  private Patch(Fhir fhir, Store store, Bodies bodies, Writes writes, Conditions conditions, Commits commits,
      FhirPathPatch fhirPathPatch, boolean skipsUnchanged) {
    this.fhir = fhir;
    this.store = store;
    this.bodies = bodies;
    this.writes = writes;
    this.conditions = conditions;
    this.commits = commits;
    this.fhirPathPatch = fhirPathPatch;
    this.skipsUnchanged = skipsUnchanged;
  }

  /**
   * This patch, but one that stores no version when the patched resource is the current one (and answers 200 with
   * the current version): for {@code $bulk-update}, whose patch many resources may satisfy already. A client's own
   * PATCH gets its new version, as it asked.
   */
  public Patch skippingUnchanged() {
    return new Patch(fhir, store, bodies, writes, conditions, commits, fhirPathPatch, true);
  }

  /** Checks a FHIRPath Patch before it is applied to anything: a 400 for one that is malformed. */
  public void check(Parameters fhirPathPatchDocument) {
    fhirPathPatch.parse(fhirPathPatchDocument);
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    return commits.run(this, request);
  }

  /**
   * Patches each of these resources (each request a PATCH of one by id) and commits what they change in one
   * transaction with the job progress that {@code progress} makes of their outcomes: see
   * {@link Commits#runAllRecorded}. Their current versions are read first, in one round trip, as a transaction's
   * are ({@link Currents#read}): a page of a $bulk-update made one per resource. One that another writer changes
   * after that is a version conflict at the commit, refused as with If-Match, as one changed after its own read was.
   */
  public Optional<List<Commits.Outcome>> handleAllRecorded(List<FhirRequest> requests,
      Function<List<Commits.Outcome>, JobHeartbeat> progress) {
    Currents read = Currents.read(store, requests.stream().filter(request -> request.id() != null)
        .map(request -> new Target(request.type(), List.of(request.id()), null, false)).toList());
    return commits.runAllRecorded(new ReadingFrom(read), requests, progress);
  }

  /** This patch, reading current versions from {@code currents} rather than from where its caller would. */
  private final class ReadingFrom implements WriteInteraction {
    private final Currents currents;

    ReadingFrom(Currents currents) {
      this.currents = currents;
    }

    @Override
    public FhirResponse handle(FhirRequest request) {
      return Patch.this.handle(request);
    }

    @Override
    public Target target(FhirRequest request) {
      return Patch.this.target(request);
    }

    @Override
    public Prepared prepare(FhirRequest request, Target target, Links links, Currents fromStore) {
      return Patch.this.prepare(request, target, links, currents);
    }
  }

  @Override
  public Target target(FhirRequest request) {
    document(request);
    String id = request.id() != null ? request.id() : conditionalTarget(request);
    return new Target(request.type(), List.of(id), null, false);
  }

  /** The patch applied to the current version, which must exist ({@link Commits#existing}). */
  @Override
  public Prepared prepare(FhirRequest request, Target target, Links links, Currents currents) {
    String type = target.type();
    String id = target.id();
    ResourceVersion current = commits.existing(request, type, id, currents);
    Resource resource = patched(type, id, document(request).apply(current.json()));
    if (skipsUnchanged && resource.equalsDeep(fhir.parse(Format.JSON, new ByteArrayInputStream(current.json())))) {
      return new Prepared(List.of(), FhirResponse.ok(current), List.of(current));
    }
    links.resolve(resource);
    Write write = writes.next(resource, id, current, request.caller().source()).byPatch();
    return new Prepared(List.of(write), FhirResponse.written(request, 200, write.toVersion()), List.of(current));
  }

  /**
   * The patch in the body, parsed before anything is read (a malformed one is a 400 that costs nothing); read once
   * for a body the last request sent too. Applying a document only reads it, so requests may share one.
   */
  private PatchDocument document(FhirRequest request) {
    Read last = lastRead.get();
    if (last != null && last.of(request)) {
      return last.document();
    }
    PatchDocument document = read(request);
    lastRead.set(new Read(request.header("Content-Type"), request.body().clone(), document));
    return document;
  }

  private PatchDocument read(FhirRequest request) {
    if (Formats.isJsonPatch(request.header("Content-Type"))) {
      return jsonPatch.parse(request.body());
    }
    Resource body = fhir.parse(request.bodyFormat(), new ByteArrayInputStream(request.body()));
    if (!(body instanceof Parameters parameters)) {
      throw FhirException.badRequest("A patch is a JSON Patch (" + Formats.JSON_PATCH + ") or a FHIRPath Patch "
          + "Parameters resource, not a " + body.fhirType() + ".");
    }
    return fhirPathPatch.parse(parameters);
  }

  private String conditionalTarget(FhirRequest request) {
    List<String> matches = conditions.matches(request.type(), request.query(), 1, request.restriction());
    if (matches.isEmpty()) {
      throw new FhirException(404, IssueType.NOTFOUND, "No " + request.type()
          + " matches the criteria of this conditional patch.");
    }
    if (matches.size() > 1) {
      throw FhirException.preconditionFailed("The criteria of this conditional patch match more than one "
          + request.type() + ".");
    }
    return matches.get(0);
  }

  /** The patched JSON as a resource, held to the rules of an update: the base R4 checks, and the same type and id. */
  private Resource patched(String type, String id, byte[] json) {
    Resource resource;
    try {
      resource = fhir.parse(Format.JSON, new ByteArrayInputStream(json));
      bodies.check(resource);
    } catch (FhirException e) {
      throw FhirException.unprocessable("The patched " + type + "/" + id + " is not valid: " + e.getMessage());
    }
    if (!resource.fhirType().equals(type) || !id.equals(resource.getIdElement().getIdPart())) {
      throw FhirException.unprocessable("A patch may not change the resourceType or id of " + type + "/" + id + ".");
    }
    return resource;
  }
}
