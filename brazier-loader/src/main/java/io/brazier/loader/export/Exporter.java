package io.brazier.loader.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.FhirClient;
import io.brazier.loader.ExportDestination;
import io.brazier.loader.ExportFile;
import io.brazier.loader.ExportProgress;
import io.brazier.loader.ExportRefused;
import io.brazier.loader.ExportReport;
import io.brazier.loader.ExportRequest;
import io.brazier.loader.ExportSetting;
import io.brazier.loader.LoaderConfig;
import io.brazier.loader.PatientExport;
import io.brazier.loader.TypeExport;
import io.brazier.loader.send.Json;
import io.brazier.loader.send.Sender;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports from any FHIR R4 server through its search API ({@code brazier export}, the loader's export jobs): checks
 * that the server serves the request's types, plans the searches ({@link Batches} of patients, or {@link Slices} of
 * time), runs them {@code --concurrency} at once following every page, and writes NDJSON files, an error file of
 * OperationOutcomes for the searches that failed after their retries, and a Bulk Data manifest.
 */
public final class Exporter {
  private static final Logger log = LoggerFactory.getLogger(Exporter.class);

  private final Pages pages;
  private final String base;
  private final String name;
  private final int threads;

  /** @param client over HTTP, or in the server's process: its {@code name()} is its base URL, if it has one */
  public Exporter(FhirClient client, LoaderConfig config) {
    this.name = client.name();
    this.base = !name.matches("https?://.*") ? "/" : name.endsWith("/") ? name : name + "/";
    this.pages = new Pages(new Sender(client, config), URI.create(base));
    this.threads = config.concurrency();
  }

  public ExportReport run(ExportRequest request, ExportDestination destination, ExportProgress progress)
      throws ExportRefused, IOException, InterruptedException {
    long started = System.nanoTime();
    Instant transactionTime = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    requireTypes(request.types());
    destination.prepare();
    log.info("Export started request={} destination={}", request.describe(), destination.storage().describe());
    try (progress; NdjsonParts output = new NdjsonParts(destination, "", request instanceof PatientExport);
        NdjsonParts errors = new NdjsonParts(destination, "error/", false)) {
      List<String> searches = plan(request, transactionTime, errors);
      progress.start(searches.size());
      long written = runAll(searches, output, errors, progress);
      Map<String, Long> changed = request instanceof TypeExport type ? changedAfter(type, transactionTime, errors)
          : Map.of();
      List<ExportFile> files = output.finish();
      List<ExportFile> errorFiles = errors.finish();
      String manifest = destination.store("manifest.json",
          Json.pretty(manifest(transactionTime, request, files, errorFiles, changed)));
      ExportReport report = new ExportReport(transactionTime, manifest, files, errorFiles, written, output.repeats(),
          changed, Duration.ofNanos(System.nanoTime() - started));
      log.info("Export ended resources={} files={} failedRequests={} manifest={}", written, files.size(),
          report.failedRequests(), manifest);
      return report;
    }
  }

  /** Fails before anything is written when the server cannot be reached or does not serve a type. */
  private void requireTypes(List<String> types) throws ExportRefused {
    ObjectNode capabilities;
    try {
      capabilities = pages.get("metadata");
    } catch (SearchFailed e) {
      throw new ExportRefused("The FHIR server at " + name + " could not be asked what it serves: "
          + e.getMessage(), false);
    }
    Set<String> served = new HashSet<>();
    for (JsonNode rest : capabilities.path("rest")) {
      rest.path("resource").forEach(resource -> served.add(resource.path("type").asText()));
    }
    for (String type : types) {
      if (!served.isEmpty() && !served.contains(type)) {
        throw new ExportRefused(type + " is not a resource type the server at " + name + " serves (its"
            + " CapabilityStatement says so); check the spelling, such as Observation or MedicationRequest", true);
      }
    }
  }

  private List<String> plan(ExportRequest request, Instant transactionTime, NdjsonParts errors)
      throws ExportRefused, IOException {
    try {
      if (request instanceof PatientExport patients) {
        PatientIds.Patients found = PatientIds.of(pages, patients, base.length());
        for (String missing : found.missingGroups()) {
          log.warn("Export leaves out a nested Group: {}", missing);
          errors.write(Json.outcome("not-found", missing));
        }
        return Batches.searches(found.ids(), patients, base.length());
      }
      TypeExport type = (TypeExport) request;
      return new Slices(pages, type.type(), type.resolution())
          .of(type.since(), type.till() == null ? transactionTime : type.till(), type.parallel()).stream()
          .map(slice -> slice.search(type.type()) + "&_count=" + type.pageSize()).toList();
    } catch (ExportSetting.Invalid e) {
      throw new ExportRefused(e);
    } catch (SearchFailed e) {
      log.warn("Export could not plan its searches: {}", e.getMessage());
      errors.write(e.outcome());
      return List.of();
    }
  }

  private long runAll(List<String> searches, NdjsonParts output, NdjsonParts errors, ExportProgress progress)
      throws IOException, InterruptedException {
    AtomicLong written = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
      Thread thread = new Thread(runnable, "export-search");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<?>> running = new ArrayList<>();
      for (String search : searches) {
        running.add(pool.submit(() -> {
          run(search, output, errors, progress, written);
          return null;
        }));
      }
      for (Future<?> future : running) {
        future.get();
      }
      return written.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException("Export failed unexpectedly", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private void run(String search, NdjsonParts output, NdjsonParts errors, ExportProgress progress,
      AtomicLong written) throws IOException {
    boolean failed = false;
    try {
      pages.follow(search, page -> {
        int fresh = 0;
        for (ObjectNode resource : page) {
          fresh += output.write(resource) ? 1 : 0;
        }
        written.addAndGet(fresh);
        progress.resources(fresh);
      });
    } catch (SearchFailed e) {
      log.warn("Export search failed: {}", e.getMessage());
      errors.write(e.outcome());
      failed = true;
    }
    progress.searchDone(failed);
  }

  /** Resources changed since the export began: a slice read after the change misses them. */
  private Map<String, Long> changedAfter(TypeExport request, Instant transactionTime, NdjsonParts errors)
      throws IOException {
    try {
      long changed = pages.count(request.type() + "?_lastUpdated=ge" + transactionTime);
      if (changed > 0) {
        log.warn("Resources changed while the export ran type={} count={} exportAgainSince={}", request.type(),
            changed, transactionTime);
      }
      return changed > 0 ? Map.of(request.type(), changed) : Map.of();
    } catch (SearchFailed e) {
      errors.write(e.outcome());
      return Map.of();
    }
  }

  private static ObjectNode manifest(Instant transactionTime, ExportRequest request, List<ExportFile> files,
      List<ExportFile> errors, Map<String, Long> changed) {
    ObjectNode manifest = Json.object().put("transactionTime", transactionTime.toString())
        .put("request", request.describe()).put("requiresAccessToken", false);
    files.forEach(file -> manifest.withArray("output").addObject().put("type", file.type()).put("url", file.url())
        .put("count", file.count()));
    manifest.withArray("output");
    errors.forEach(file -> manifest.withArray("error").addObject().put("type", file.type()).put("url", file.url())
        .put("count", file.count()));
    manifest.withArray("error");
    if (!changed.isEmpty()) {
      ObjectNode counts = manifest.putObject("extension").putObject("changedAfterTransactionTime");
      changed.forEach(counts::put);
    }
    return manifest;
  }
}
