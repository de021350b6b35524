package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.fhir.Outcomes;
import io.brazier.fhir.search.IndexExtractor;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import io.brazier.store.Job;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import io.brazier.store.Write;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;

/**
 * {@code $reindex} at system, type or instance level: extracts the search index of stored resources again, so that
 * SearchParameters created since apply to existing data. It runs as a background job that walks each type in id
 * order and records the last type and id as its cursor, so a job whose node died resumes there on another node. With
 * {@code Prefer: respond-async} the answer is 202 and a Content-Location to poll; otherwise the request waits for it.
 */
public final class Reindex implements Interaction, Jobs.Work {
  public static final Operations.Definition OPERATION =
      new Operations.Definition("reindex", "https://brazier.dev/fhir/OperationDefinition/reindex");
  public static final String KIND = "reindex";
  private static final int PAGE = 500;
  /** How long a request without Prefer: respond-async waits for its reindex before it is answered 202. */
  private static final Duration SYNCHRONOUS_WAIT = Duration.ofMinutes(5);

  private final Fhir fhir;
  private final Store store;
  private final IndexExtractor extractor;
  private final Jobs jobs;

  /** What to reindex: these types, or one resource ({@code id}) of the one type. */
  record Request(List<String> types, String id) {}

  /** Where the walk got to: after resource {@code after} of {@code type}, with {@code reindexed} so far. */
  record Cursor(String type, String after, long reindexed) {}

  public Reindex(Fhir fhir, Store store, IndexExtractor extractor, Jobs jobs) {
    this.fhir = fhir;
    this.store = store;
    this.extractor = extractor;
    this.jobs = jobs;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    boolean instance = request.segments().size() == 3;
    List<String> types = request.type() == null || request.type().startsWith("$")
        ? fhir.resourceTypes().stream().sorted().toList() : List.of(request.type());
    String job = jobs.submit(KIND, JobJson.write(new Request(types, instance ? request.id() : null)),
        request.caller());
    if (!request.prefer().respondAsync()) {
      // A client that waits gets the result, unless the reindex outlasts the wait: then it polls like an async one.
      Optional<Job> ended = jobs.await(job, SYNCHRONOUS_WAIT);
      if (ended.isPresent()) {
        return jobs.answer(ended.get());
      }
    }
    return FhirResponse.of(202, Outcomes.information("Reindexing has started; poll the Content-Location."))
        .header("Content-Location", request.baseUrl() + "/_async/" + job);
  }

  @Override
  public byte[] run(Jobs.Run run) {
    return fhir.encode(Format.JSON, reindex(run), false);
  }

  private Resource reindex(Jobs.Run run) {
    Request request = JobJson.read(run.request(), Request.class);
    if (request.id() != null) {
      return one(request.types().get(0), request.id());
    }
    Cursor cursor = run.cursor() == null ? new Cursor(request.types().get(0), null, 0)
        : JobJson.read(run.cursor(), Cursor.class);
    long done = run.done();
    long reindexed = cursor.reindexed();
    List<String> types = request.types();
    for (int i = types.indexOf(cursor.type()); i < types.size() && !run.stopped(); i++) {
      String type = types.get(i);
      String after = type.equals(cursor.type()) ? cursor.after() : null;
      for (List<ResourceVersion> page = store.scan(type, after, PAGE); !page.isEmpty() && !run.stopped();
          page = store.scan(type, after, PAGE)) {
        reindexed += store.reindex(writes(page));
        done += page.size();
        after = page.get(page.size() - 1).id();
        run.progress(done, null, JobJson.write(new Cursor(type, after, reindexed)));
      }
    }
    return reindexed(reindexed);
  }

  private Resource one(String type, String id) {
    List<ResourceVersion> one = store.current(type, id).filter(v -> !v.deleted()).map(List::of)
        .orElseThrow(() -> FhirException.notFound(type, id));
    return reindexed(store.reindex(writes(one)));
  }

  private static Resource reindexed(long count) {
    return Outcomes.information("Reindexed " + count + " resources.");
  }

  private List<Write> writes(List<ResourceVersion> versions) {
    List<Write> writes = new ArrayList<>();
    for (ResourceVersion version : versions) {
      Resource resource = (Resource) fhir.jsonParser().parseResource(new String(version.json(),
          StandardCharsets.UTF_8));
      writes.add(new Write(version.type(), version.id(), version.version(), version.lastUpdated(), version.json(),
          extractor.extract(resource, version.json())));
    }
    return writes;
  }
}
