package io.brazier.store;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.Format;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.QueryParser;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.fhir.search.Terminology;
import io.brazier.store.sql.Database;
import io.brazier.store.sql.PostgresStore;
import io.brazier.testkit.TempFolders;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Resource;

/**
 * An embedded PostgreSQL with the store and the search machinery, once per test JVM: resources are saved with
 * their index extracted, as the server saves them, and searched with queries as clients write them.
 */
public final class TestStore {
  private static TestStore shared;

  private final Fhir fhir = new Fhir(false);
  private final FhirSearch search = new FhirSearch(fhir);
  private final Path folder = TempFolders.create("brazier-store");
  private final Database database = Database.open(DatabaseConfig.embedded(folder));
  private final PostgresStore store = new PostgresStore(database, fhir.resourceTypes());

  private TestStore() {
    store.answerParameters(search.parameters()::rowCodes);
  }

  /**
   * A store on a database of its own, for a test class that reads whole types (as scans do) and must see only what
   * it wrote; close it after the class.
   */
  public static TestStore own() {
    return new TestStore();
  }

  public static synchronized TestStore shared() {
    if (shared == null) {
      shared = new TestStore();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  public PostgresStore store() {
    return store;
  }

  public Database database() {
    return database;
  }

  public Fhir fhir() {
    return fhir;
  }

  /** Another store over the same database, refusing searches the planner costs above {@code maxCost}. */
  public PostgresStore withMaxSearchCost(double maxCost) {
    PostgresStore limited = new PostgresStore(database, fhir.resourceTypes(), maxCost);
    limited.answerParameters(search.parameters()::rowCodes);
    return limited;
  }

  public FhirSearch search() {
    return search;
  }

  /** Saves a resource as its next version (a new id unless it has one) and returns its id. */
  public String save(Resource resource) {
    String id = resource.getIdElement().getIdPart() != null ? resource.getIdElement().getIdPart()
        : UUID.randomUUID().toString();
    int version = store.current(resource.fhirType(), id).map(v -> v.version() + 1).orElse(1);
    store.commit(List.of(write(resource.setId(id), version)));
    return id;
  }

  /** Version {@code version} of a resource that has an id, last updated now, with its index, as the server writes. */
  public Write write(Resource resource, int version) {
    resource.getMeta().setVersionId(Integer.toString(version));
    Instant now = Instant.now();
    resource.getMeta().setLastUpdated(java.util.Date.from(now));
    byte[] json = fhir.encode(Format.JSON, resource, false);
    return new Write(resource.fhirType(), resource.getIdElement().getIdPart(), version, now, json,
        search.extractor().extract(resource, json));
  }

  /** Closes a store made by {@link #own}, and removes its database. */
  /** The sequence number of the latest change, the changes committed so far numbered first. */
  public long lastChange() {
    long last = 0;
    for (List<Change> page = changesAfter(0); !page.isEmpty(); page = changesAfter(last)) {
      last = page.get(page.size() - 1).sequence();
    }
    return last;
  }

  /** The changes after {@code sequence} (up to 10,000), the changes committed so far numbered first. */
  public List<Change> changesAfter(long sequence) {
    store.numberChanges();
    return store.changes(ChangeQuery.after(sequence, 10_000)).changes();
  }

  public void close() {
    store.close();
    TempFolders.delete(folder);
  }

  /**
   * Resources saved with a tag of their own, and searches kept among them: a test sees only what it saved, however
   * many tests share the database.
   */
  public final class Tagged {
    private final String tag = UUID.randomUUID().toString();

    public String save(Resource resource) {
      resource.getMeta().addTag("http://brazier.test/tag", tag, null);
      return TestStore.this.save(resource);
    }

    public List<String> find(String type, String query) {
      return ids(type, query + "&" + scope());
    }

    /** The query parameter that keeps a search among these resources. */
    public String scope() {
      return "_tag=http://brazier.test/tag|" + tag;
    }
  }

  public Tagged tagged() {
    return new Tagged();
  }

  /** The ids a query such as {@code name=pet&_tag=x} finds among resources of {@code type}, in result order. */
  public List<String> ids(String type, String query) {
    return store.ids(parse(type, query), 10_000);
  }

  public SearchQuery parse(String type, String query) {
    return search.parser().parse(List.of(type), params(query), new QueryParser.Options(true,
        "http://localhost/fhir", Terminology.NONE));
  }

  /** A line that an import's merge refuses, failed with its reason as its outcome: what a test of the store reads. */
  public static ImportBatch.Failure refusedLine(Imports.Refused refused) {
    return new ImportBatch.Failure(refused.seq(), refused.reason().getBytes(StandardCharsets.UTF_8));
  }

  public static Map<String, List<String>> params(String query) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      params.computeIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          k -> new ArrayList<>()).add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return params;
  }
}
