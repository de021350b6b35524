package io.brazier.server.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.FhirResponse;
import io.brazier.server.operation.JobJson;
import io.brazier.server.operation.Jobs;
import io.brazier.store.Job;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The export job kind: runs an export ({@link ExportRun}), answers a poll with the Bulk Data manifest (links made
 * for the storage that holds the files, {@code Expires} when the export does), says in {@code X-Progress} how far
 * it got, serves its files ({@code [base]/_async/[id]/[file]}) and drops them when it is cancelled.
 * https://hl7.org/fhir/uv/bulkdata/export.html#response---complete-status
 */
public final class ExportJob implements Jobs.Work {
  public static final String KIND = "export";
  private static final Logger log = LoggerFactory.getLogger(ExportJob.class);
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final String NDJSON = "application/fhir+ndjson";

  private final ExportParts parts;
  private final Readers readers;

  ExportJob(ExportParts parts, Readers readers) {
    this.parts = parts;
    this.readers = readers;
  }

  @Override
  public byte[] run(Jobs.Run run) {
    ExportResult result = ExportRun.start(parts, run).run();
    if (result == null) {
      return new byte[0]; // stopped: Jobs releases it, or discards what it wrote once cancelled
    }
    return JobJson.write(result).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public FhirResponse answer(Job job, Fhir fhir) {
    Instant expires = expires(job);
    if (Instant.now().isAfter(expires)) {
      // Its files are no longer served, and the sweeper deletes the job soon: it is gone already.
      throw new FhirException(404, IssueType.NOTFOUND, "Export " + job.id() + " expired at " + expires
          + ", --export-ttl after it ended: kick it off again.");
    }
    ExportResult result = JobJson.read(job.result(), ExportResult.class);
    ExportRequest request = JobJson.read(job.request(), ExportRequest.class);
    ObjectNode manifest = JSON.createObjectNode()
        .put("transactionTime", result.transactionTime())
        .put("request", result.request())
        .put("requiresAccessToken", parts.storage().serverLinks() && parts.config().requiresAccessToken());
    ArrayNode output = manifest.putArray("output");
    ArrayNode deleted = manifest.putArray("deleted");
    ArrayNode error = manifest.putArray("error");
    for (FileState file : result.files()) {
      String link = parts.storage().link(folder(job.id(), request), file.name(),
          request.baseUrl() + "/_async/" + job.id() + "/" + file.name(), expires);
      ArrayNode list = switch (file.series()) {
        case FileState.DELETED -> deleted;
        case FileState.ERROR -> error;
        default -> output;
      };
      ObjectNode entry = list.addObject().put("type", file.resourceType()).put("url", link);
      if (list == output) {
        entry.put("count", file.count());
      }
    }
    try {
      return FhirResponse.raw(200, "application/json", JSON.writeValueAsBytes(manifest))
          .header("Expires", FhirResponse.httpDate(expires));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String progress(Job job) {
    if (job.cursor() == null) {
      return job.status().code() + ": starting";
    }
    ExportCursor cursor = JobJson.read(job.cursor(), ExportCursor.class);
    List<Step> steps = Step.of(JobJson.read(job.request(), ExportRequest.class));
    if (cursor.step() >= steps.size()) {
      return "writing the manifest: " + cursor.done() + " done";
    }
    Step step = steps.get(cursor.step());
    String what = switch (step.kind()) {
      case RESOURCES -> step.type();
      case REFERENCED -> step.type() + " referenced";
      case PROVENANCE -> "Provenance of the exported resources";
      case DELETED -> step.type() + " deleted";
      case ERRORS -> "errors";
    };
    return what + " " + cursor.stepDone() + (cursor.stepTotal() == null ? "" : "/" + cursor.stepTotal())
        + " (step " + (cursor.step() + 1) + " of " + steps.size() + ", " + cursor.done() + " done)";
  }

  @Override
  public FhirResponse file(Job job, String name) {
    if (job.status() != Job.Status.DONE || Instant.now().isAfter(expires(job))) {
      throw new FhirException(404, IssueType.NOTFOUND, "Export " + job.id() + " has no files to fetch: it "
          + (job.status() == Job.Status.DONE ? "has expired." : "is " + job.status().code() + "."));
    }
    ExportResult result = JobJson.read(job.result(), ExportResult.class);
    if (result.files().stream().noneMatch(file -> file.name().equals(name))) {
      throw new FhirException(404, IssueType.NOTFOUND, "Export " + job.id() + " has no file " + name + ".");
    }
    InputStream in = open(job, folder(job.id(), JobJson.read(job.request(), ExportRequest.class)), name);
    return FhirResponse.streamed(200, NDJSON, out -> {
      try (in) {
        in.transferTo(out);
      } finally {
        readers.leave(job.id());
      }
    });
  }

  /**
   * Opens a listed file to serve, a reader of its export until it is served, before the 200 is sent: a file the
   * storage no longer holds is a 404, never an empty 200 that a client would take for an empty file.
   */
  private InputStream open(Job job, ExportFolder folder, String name) {
    readers.enter(job.id());
    boolean opened = false;
    try {
      InputStream in = parts.storage().read(folder, name);
      opened = true;
      return in;
    } catch (NoSuchFileException e) {
      log.warn("An export file listed in its manifest is not stored job={} file={}: the export was cancelled"
          + " meanwhile, or this node does not share the --export-dir of the node that wrote it", job.id(), name);
      throw new FhirException(404, IssueType.NOTFOUND, "File " + name + " of export " + job.id() + " is no longer"
          + " stored.");
    } catch (IOException e) {
      throw new UncheckedIOException("Could not open " + name + " of export " + job.id(), e);
    } finally {
      if (!opened) {
        readers.leave(job.id());
      }
    }
  }

  @Override
  public void discard(Job job) {
    parts.storage().delete(folder(job.id(), JobJson.read(job.request(), ExportRequest.class)));
  }

  @Override
  public String afterCancel() {
    return "its files are deleted.";
  }

  private ExportFolder folder(String job, ExportRequest request) {
    return ExportFolder.of(request, job, parts.config().container());
  }

  /** When the export's manifest and files expire: its end plus {@code --export-ttl}. */
  Instant expires(Job job) {
    return job.updated().plus(parts.config().ttl());
  }
}
