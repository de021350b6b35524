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
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The export endpoints' JSON, shaped as the original's: {@code $alt-export} takes {@code {"query",
 * "patientreferencefield", "include": [...]}}, {@code $alt-export-all} takes {@code {"_type", "_since", "_till",
 * "_parallelizationCount", "_parallelSearchInSecondsInterval"}}; either may name another server to export from,
 * {@code "_baseAddress"}, and the audience of its token, {@code "_audience"}. The status lists {@code instanceId,
 * createdDateTime, status, elapsedtimeinminutes, input} and, once ended, the manifest's URL and output.
 */
final class ExportBodies {
  private static final Set<String> SOURCE = Set.of("_baseAddress", "_audience");
  private static final Set<String> PATIENTS = Set.of("query", "patientreferencefield", "include", "batchsize",
      "maxurl");
  private static final Set<String> ALL = Set.of("_type", "_since", "_till", "_parallelizationCount",
      "_parallelSearchInSecondsInterval", "_count");
  /** The body's name of each setting, for the requests' own checks to speak of. */
  private static final Map<ExportSetting, String> FIELDS = Map.ofEntries(Map.entry(ExportSetting.QUERY, "query"),
      Map.entry(ExportSetting.PATIENT_FIELD, "patientreferencefield"), Map.entry(ExportSetting.INCLUDE, "include"),
      Map.entry(ExportSetting.BATCH_SIZE, "batchsize"), Map.entry(ExportSetting.MAX_URL, "maxurl"),
      Map.entry(ExportSetting.TYPE, "_type"), Map.entry(ExportSetting.SINCE, "_since"),
      Map.entry(ExportSetting.TILL, "_till"), Map.entry(ExportSetting.PARALLEL, "_parallelizationCount"),
      Map.entry(ExportSetting.PAGE_SIZE, "_count"),
      Map.entry(ExportSetting.SEARCH_INTERVAL, "_parallelSearchInSecondsInterval"));

  private ExportBodies() {}

  /** A job to start: what to export, and from where. */
  record Order(ExportRequest request, ExportSource source) {}

  /** @throws IllegalArgumentException with what to fix */
  static Order patients(JsonNode body) {
    requireKnown(body, PATIENTS);
    List<String> includes = new ArrayList<>();
    body.path("include").forEach(include -> includes.add(include.asText()));
    if (!body.path("query").isTextual()) {
      throw new IllegalArgumentException("The body needs a query, such as {\"query\":\"Patient?active=true\","
          + " \"patientreferencefield\":\"id\", \"include\":[\"Patient?_id=$IDS\"]}");
    }
    return new Order(inBodyTerms(() -> new PatientExport(body.path("query").asText(),
        body.path("patientreferencefield").asText("id"), includes, whole(body, "batchsize", 50),
        whole(body, "maxurl", 4096))), source(body));
  }

  /** @throws IllegalArgumentException with what to fix */
  static Order all(JsonNode body) {
    requireKnown(body, ALL);
    if (!body.path("_type").isTextual()) {
      throw new IllegalArgumentException("The body needs a _type, such as {\"_type\":\"Observation\"}");
    }
    Duration resolution = body.has("_parallelSearchInSecondsInterval")
        ? Duration.ofSeconds(whole(body, "_parallelSearchInSecondsInterval", 0)) : TypeExport.FINEST;
    Instant since = instant(body, "_since");
    Instant till = instant(body, "_till");
    return new Order(inBodyTerms(() -> new TypeExport(body.path("_type").asText(), since, till,
        whole(body, "_parallelizationCount", 1), whole(body, "_count", 1000), resolution)), source(body));
  }

  /** The request, or what to fix naming the body's fields rather than the command line's flags. */
  private static ExportRequest inBodyTerms(Supplier<ExportRequest> request) {
    try {
      return request.get();
    } catch (ExportSetting.Invalid e) {
      throw new IllegalArgumentException(e.naming(ExportBodies::field), e);
    }
  }

  /** The body's field for a setting. */
  static String field(ExportSetting setting) {
    return FIELDS.get(setting);
  }

  private static ExportSource source(JsonNode body) {
    for (String field : SOURCE) {
      if (body.has(field) && !body.get(field).isTextual()) {
        throw new IllegalArgumentException(field + " must be a string");
      }
    }
    return ExportSource.of(body.path("_baseAddress").asText(null), body.path("_audience").asText(null));
  }

  /** A field the original does not know is a mistake (a typo loses an option silently otherwise). */
  private static void requireKnown(JsonNode body, Set<String> fields) {
    if (!body.isObject()) {
      throw new IllegalArgumentException("The body must be a JSON object: the export's query definition.");
    }
    body.fieldNames().forEachRemaining(field -> {
      if (!fields.contains(field) && !SOURCE.contains(field)) {
        throw new IllegalArgumentException("Unknown field " + field + ": the body takes "
            + String.join(", ", new TreeSet<>(fields)) + ", _baseAddress and _audience");
      }
    });
  }

  private static int whole(JsonNode body, String field, int fallback) {
    if (!body.has(field)) {
      return fallback;
    }
    if (!body.get(field).canConvertToInt() || !body.get(field).isIntegralNumber()) {
      throw new IllegalArgumentException(field + " must be a whole number, not " + body.get(field));
    }
    return body.get(field).asInt();
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
        .put("input", job.input()).put("source", job.source());
    if (job.problem() != null) {
      status.put("error", job.problem());
    }
    if (job.report() != null) {
      status.put("manifest", job.report().manifest()).put("resources", job.report().resources());
      job.report().output().forEach(file -> status.withArray("output").addObject().put("type", file.type())
          .put("url", file.url()).put("count", file.count()));
      if (!job.report().changedAfter().isEmpty()) { // not in this export: export them again from transactionTime
        status.put("transactionTime", job.report().transactionTime().toString());
        job.report().changedAfter().forEach(status.putObject("changedAfterTransactionTime")::put);
      }
    }
    return status;
  }
}
