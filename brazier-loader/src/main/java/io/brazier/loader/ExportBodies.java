package io.brazier.loader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.loader.send.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The export endpoints' JSON, shaped as the original's: {@code $alt-export} takes {@code {"query",
 * "patientreferencefield", "include": [...]}}, {@code $alt-export-all} takes {@code {"_type", "_since", "_till",
 * "_parallelizationCount"}}; the status lists {@code instanceId, createdDateTime, status, elapsedtimeinminutes,
 * input} and, once ended, the manifest's URL and output.
 */
final class ExportBodies {
  private ExportBodies() {}

  /** @throws IllegalArgumentException with what to fix */
  static PatientExport patients(JsonNode body) {
    List<String> includes = new ArrayList<>();
    body.path("include").forEach(include -> includes.add(include.asText()));
    if (!body.path("query").isTextual()) {
      throw new IllegalArgumentException("The body needs a query, such as {\"query\":\"Patient?active=true\","
          + " \"patientreferencefield\":\"id\", \"include\":[\"Patient?_id=$IDS\"]}");
    }
    return new PatientExport(body.path("query").asText(), body.path("patientreferencefield").asText("id"),
        includes, body.path("batchsize").asInt(50), body.path("maxurl").asInt(4096));
  }

  /** @throws IllegalArgumentException with what to fix */
  static TypeExport all(JsonNode body) {
    if (!body.path("_type").isTextual()) {
      throw new IllegalArgumentException("The body needs a _type, such as {\"_type\":\"Observation\"}");
    }
    return new TypeExport(body.path("_type").asText(), instant(body, "_since"), instant(body, "_till"),
        body.path("_parallelizationCount").asInt(1), body.path("_count").asInt(1000));
  }

  private static Instant instant(JsonNode body, String field) {
    if (!body.hasNonNull(field)) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(body.get(field).asText()).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(field + " must be an instant such as 2024-05-01T00:00:00Z, not "
          + body.get(field).asText());
    }
  }

  static ArrayNode status(List<ExportJobs.Job> jobs, Instant now) {
    ArrayNode list = Json.array();
    jobs.forEach(job -> list.add(status(job, now)));
    return list;
  }

  static ObjectNode status(ExportJobs.Job job, Instant now) {
    Instant end = job.ended() == null ? now : job.ended();
    ObjectNode status = Json.object().put("instanceId", job.id()).put("createdDateTime", job.created().toString())
        .put("status", job.state().name()).put("elapsedtimeinminutes",
            Math.round(Duration.between(job.created(), end).toSeconds() / 6.0) / 10.0)
        .put("input", job.request().describe());
    if (job.problem() != null) {
      status.put("error", job.problem());
    }
    if (job.report() != null) {
      status.put("manifest", job.report().manifest()).put("resources", job.report().resources());
      job.report().output().forEach(file -> status.withArray("output").addObject().put("type", file.type())
          .put("url", file.url()).put("count", file.count()));
    }
    return status;
  }
}
