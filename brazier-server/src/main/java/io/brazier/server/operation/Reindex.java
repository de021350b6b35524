package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.Outcomes;
import io.brazier.fhir.search.IndexExtractor;
import io.brazier.server.http.FhirRequest;
import io.brazier.server.http.FhirResponse;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Supported;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import io.brazier.store.Write;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.Resource;

/**
 * {@code $reindex} at system, type or instance level: extracts the search index of stored resources again, so that
 * SearchParameters created since apply to existing data. With {@code Prefer: respond-async} it runs as a background
 * job (202 and a Content-Location to poll); otherwise the request waits for it.
 */
public final class Reindex implements Interaction {
  public static final Supported.Operation OPERATION =
      new Supported.Operation("reindex", "https://brazier.dev/fhir/OperationDefinition/reindex");
  private static final int PAGE = 500;

  private final Fhir fhir;
  private final Store store;
  private final IndexExtractor extractor;
  private final Jobs jobs;

  public Reindex(Fhir fhir, Store store, IndexExtractor extractor, Jobs jobs) {
    this.fhir = fhir;
    this.store = store;
    this.extractor = extractor;
    this.jobs = jobs;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    boolean instance = request.segments().size() == 3;
    List<String> types = request.type() == null || request.type().startsWith("$") ? List.copyOf(fhir.resourceTypes())
        : List.of(request.type());
    String id = instance ? request.id() : null;
    Jobs.Work work = job -> run(job, types, id);
    String prefer = request.header("Prefer");
    if (prefer != null && prefer.toLowerCase(Locale.ROOT).contains("respond-async")) {
      Jobs.Job job = jobs.submit("$reindex", work);
      return FhirResponse.of(202, Outcomes.information("Reindexing has started; poll the Content-Location."))
          .header("Content-Location", request.baseUrl() + "/_async/" + job.id());
    }
    Jobs.Job job = jobs.submit("$reindex", work);
    return AsyncStatus.await(job);
  }

  private Resource run(Jobs.Job job, List<String> types, String id) {
    long reindexed = 0;
    for (String type : types) {
      if (id != null) {
        List<ResourceVersion> one = store.current(type, id).filter(v -> !v.deleted()).map(List::of)
            .orElseThrow(() -> io.brazier.fhir.FhirException.notFound(type, id));
        reindexed += store.reindex(writes(one));
        continue;
      }
      String after = null;
      for (List<ResourceVersion> page = store.scan(type, null, PAGE); !page.isEmpty() && !job.cancelled();
          page = store.scan(type, after, PAGE)) {
        int count = store.reindex(writes(page));
        reindexed += count;
        job.progress(page.size());
        after = page.get(page.size() - 1).id();
      }
    }
    return Outcomes.information("Reindexed " + reindexed + " resources.");
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
