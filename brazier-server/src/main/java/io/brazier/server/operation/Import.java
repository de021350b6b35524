package io.brazier.server.operation;

import io.brazier.client.HttpUrls;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Outcomes;
import io.brazier.fhir.search.Compartments;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.ServerConfig;
import io.brazier.server.interaction.Bodies;
import io.brazier.server.interaction.Conditions;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Links;
import io.brazier.server.interaction.Operations;
import io.brazier.server.interaction.Reachable;
import io.brazier.server.interaction.References;
import io.brazier.server.interaction.Writes;
import io.brazier.store.Imports;
import io.brazier.store.Job;
import io.brazier.store.Store;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bulk import, {@code POST [base]/$import} with {@code Prefer: respond-async} and a Parameters body, as Microsoft's
 * FHIR server takes it: NDJSON inputs (files, http(s), Azure Blob storage: {@link ImportSources}) loaded into the
 * store at bulk speed by a job ({@link ImportRun}) that survives restarts and imports every line exactly once.
 * {@code IncrementalLoad} (the default) imports among what is stored, keeping the lines' versions and lastUpdated;
 * {@code InitialLoad} imports only into types that hold nothing yet (409 otherwise). Lines are read by the rules of
 * a write ({@link ImportLines}). A poll answers 202 with {@code X-Progress} until the job ends, then the manifest
 * ({@link ImportManifest}); each input's failed lines are served at {@code [base]/_async/[id]/errors-[n].ndjson}.
 * https://learn.microsoft.com/azure/healthcare-apis/fhir/import-data
 */
public final class Import implements Interaction, Jobs.Work, AutoCloseable {
  public static final Operations.Definition OPERATION =
      new Operations.Definition("import", "https://brazier.dev/fhir/OperationDefinition/import");
  public static final String KIND = "import";
  private static final Pattern FAILURES = Pattern.compile("errors-(\\d{1,9})\\.ndjson");

  private final Fhir fhir;
  private final Imports imports;
  private final Bodies bodies;
  private final Store store;
  private final Writes writes;
  private final Conditions conditions;
  private final ServerConfig config;
  private final Set<String> patientCompartment;
  private final ImportSources sources;
  private final ImportReader.Limits limits;
  private final Jobs jobs;
  private final Reachable reachable;
  private final ImportRepair repair;

  public Import(Fhir fhir, Store store, Bodies bodies, Writes writes, Reachable reachable, Conditions conditions,
      Compartments compartments, ServerConfig config, Jobs jobs) {
    this.fhir = fhir;
    this.reachable = reachable;
    this.store = store;
    this.imports = store.imports();
    this.bodies = bodies;
    this.writes = writes;
    this.conditions = conditions;
    this.config = config;
    this.patientCompartment = Set.copyOf(compartments.params("Patient").keySet());
    this.sources = new ImportSources(config.imports());
    this.limits = new ImportReader.Limits((int) Math.min(config.maxBodyBytes(), Integer.MAX_VALUE - 16),
        config.imports().maxErrors());
    this.jobs = jobs;
    this.repair = new ImportRepair(imports);
  }

  /**
   * Cleans up, in the background from now on, after imports that could not (one cancelled while its node was down):
   * builds the search indexes they dropped and drops their staging ({@link ImportRepair}).
   */
  public void warmUp() {
    repair.start();
  }

  /** Stops cleaning up after imports. */
  @Override
  public void close() {
    repair.close();
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    if (!request.prefer().respondAsync()) {
      throw FhirException.badRequest("$import runs as a background job: send Prefer: respond-async, then poll the"
          + " Content-Location of the answer.");
    }
    ImportRequest asked = ImportRequest.of(fhir, request, Instant.now(), config);
    // The same kick-off while its twin is queued or running (a client retrying a POST whose answer it lost) gets
    // that job, without the InitialLoad check, which the types a twin imports into would fail, and without the
    // checks of its inputs, which the twin may have read and no longer need.
    String twin = JobJson.write(Map.of("twin", asked.twin()));
    String job = jobs.activeTwin(KIND, request.caller(), twin).orElseGet(() -> submit(request, asked, twin));
    return FhirResponse.of(202, Outcomes.information("The import has started; poll the Content-Location."))
        .header("Content-Location", request.baseUrl() + "/_async/" + job);
  }

  /**
   * Queues the import's job, unless a twin got queued since the look for one (the job table decides, whichever
   * nodes the twins were asked): then that job. Its inputs are checked first, so that a kick-off that cannot be
   * read is refused rather than queued. An InitialLoad's types are checked right after that look, before a twin
   * queued meanwhile can have imported anything.
   */
  private String submit(FhirRequest request, ImportRequest asked, String twin) {
    checkInputs(asked.inputs());
    if (asked.mode() == ImportRequest.Mode.INITIAL_LOAD) {
      checkEmpty(imports, asked);
    }
    return jobs.submit(KIND, asked.toJson(), request.caller(), Integer.MAX_VALUE, twin).orElseThrow();
  }

  /**
   * Checks each input ({@link ImportSources.Source#check}), and that no two inputs read the same (one file by two
   * spellings of its path, or through a link): its lines would be imported twice.
   */
  private void checkInputs(List<ImportRequest.Input> inputs) {
    Map<String, String> urls = new HashMap<>();
    for (ImportRequest.Input input : inputs) {
      ImportSources.Source source = sources.source(input.url());
      source.check(input.etag());
      String first = urls.putIfAbsent(source.identity(), input.url());
      if (first != null) {
        throw FhirException.badRequest("The input " + HttpUrls.redacted(input.url()) + " is the input "
            + HttpUrls.redacted(first) + " again, by another URL: list it once.");
      }
    }
  }

  /**
   * InitialLoad imports only into types that hold no resources, deleted ones included: a 409 naming those that do,
   * which says so, as a search of such a type finds nothing.
   */
  static void checkEmpty(Imports imports, ImportRequest request) {
    Set<String> holding = new TreeSet<>(imports.holding(request.inputs().stream().map(ImportRequest.Input::type)
        .toList()));
    if (!holding.isEmpty()) {
      throw FhirException.conflict("InitialLoad imports only into resource types that hold no resources, deleted"
          + " ones included (their ids and history stay), and " + String.join(", ", holding)
          + (holding.size() == 1 ? " holds" : " hold") + " some: use IncrementalLoad.");
    }
  }

  @Override
  public byte[] run(Jobs.Run run) {
    ImportRequest request = ImportRequest.fromJson(run.request());
    References references = new References(fhir, store, reachable, conditions, writes, request.integrity(),
        request.placeholders());
    // Conditional references find the staged resources of the whole import by identifier, as a bundle's entries.
    Links.Context context = new Links.Context((type, identifier) -> imports.identified(run.id(), type, identifier),
        new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    ImportLines lines = new ImportLines(fhir, bodies, writes, references, request, context);
    byte[] manifest = new ImportRun(run, jobs, request, imports, sources, lines, references, context,
        request.readingOrder(patientCompartment), limits).run();
    return manifest == null ? new byte[0] : manifest;
  }

  @Override
  public FhirResponse answer(Job job, Fhir fhir) {
    return FhirResponse.raw(200, "application/json", job.result());
  }

  /** An ended import is not cancelled afterwards: its answer says what it did, which stays either way. */
  @Override
  public boolean cancelsEnded() {
    return false;
  }

  /** A cancelled import says what it had imported when it stopped: that stays. */
  @Override
  public FhirResponse cancelled(Job job) {
    return FhirResponse.raw(200, "application/json", ImportManifest.of(ImportRequest.fromJson(job.request()),
        job.id(), imports, true));
  }

  @Override
  public String progress(Job job) {
    if (job.cursor() == null) {
      return job.status().code();
    }
    ImportRun.Cursor cursor = JobJson.read(job.cursor(), ImportRun.Cursor.class);
    List<ImportRequest.Input> inputs = ImportRequest.fromJson(job.request()).inputs();
    return switch (cursor.phase()) {
      case "stage" -> "reading input " + Math.min(cursor.position() + 1, inputs.size()) + " of " + inputs.size()
          + ", " + cursor.read() + " lines read";
      case "defer" -> "reading the lines that waited for other inputs, " + cursor.read() + " lines read";
      case "check" -> "checking references, " + cursor.read() + " lines read";
      case "index" -> "building search indexes, " + cursor.read() + " lines read";
      default -> job.total() == null ? "merging" : "merging: " + job.done() + " of " + job.total()
          + " batches merged";
    };
  }

  /** The failed lines of an input, an OperationOutcome per line. */
  @Override
  public FhirResponse file(Job job, String name) {
    Matcher matcher = FAILURES.matcher(name);
    int inputs = ImportRequest.fromJson(job.request()).inputs().size();
    if (!matcher.matches() || Integer.parseInt(matcher.group(1)) >= inputs) {
      return Jobs.Work.super.file(job, name);
    }
    int input = Integer.parseInt(matcher.group(1));
    return FhirResponse.streamed(200, "application/fhir+ndjson", out -> imports.writeFailures(job.id(), input, out));
  }
}
