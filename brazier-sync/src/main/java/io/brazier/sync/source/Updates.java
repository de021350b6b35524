package io.brazier.sync.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.FhirCall;
import io.brazier.client.FhirClient;
import io.brazier.client.FhirReply;
import io.brazier.client.Jackson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes to a FHIR server: a resource put at its id, or deleted, optionally only if it is still at a version
 * ({@code If-Match}), which is how write-back notices that FHIR moved since the row was synced.
 */
public final class Updates {
  private static final ObjectMapper JSON = Jackson.MAPPER;

  private final FhirClient fhir;

  public Updates(FhirClient fhir) {
    this.fhir = fhir;
  }

  /** What a write made: the version, and the resource as stored (null for a deletion). */
  public record Written(Integer version, ObjectNode resource) {}

  /** The resource is no longer at the version the write was conditional on (412), or another write got there first. */
  public static final class VersionMoved extends SourceException {
    private static final long serialVersionUID = 1L;

    VersionMoved(int status, String message) {
      super(status, message);
    }
  }

  /**
   * Puts {@code resource} at its type and id (created there when it is not), if it is still at {@code ifMatch}
   * (null: whatever its version).
   */
  public Written put(ObjectNode resource, Integer ifMatch) throws SourceException {
    String path = resource.path("resourceType").asText() + "/" + resource.path("id").asText();
    Map<String, String> headers = headers(ifMatch);
    headers.put("Content-Type", "application/fhir+json");
    headers.put("Prefer", "return=representation");
    FhirReply reply = send(new FhirCall("PUT", path, headers, resource.toString().getBytes(StandardCharsets.UTF_8)),
        path);
    try {
      JsonNode stored = JSON.readTree(reply.body());
      return new Written(version(reply), stored instanceof ObjectNode object ? object : null);
    } catch (IOException e) {
      throw new SourceException(reply.status(), "PUT " + path + " answered what is not JSON: " + e.getMessage());
    }
  }

  /** Deletes {@code type/id}, if it is still at {@code ifMatch} (null: whatever its version). */
  public Written delete(String type, String id, Integer ifMatch) throws SourceException {
    String path = type + "/" + id;
    FhirReply reply = send(new FhirCall("DELETE", path, headers(ifMatch), null), path);
    return new Written(version(reply), null);
  }

  private static Map<String, String> headers(Integer ifMatch) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", "application/fhir+json");
    if (ifMatch != null) {
      headers.put("If-Match", "W/\"" + ifMatch + "\"");
    }
    return headers;
  }

  private FhirReply send(FhirCall call, String path) throws SourceException {
    FhirReply reply;
    try {
      reply = fhir.send(call);
    } catch (SourceException e) {
      throw e;
    } catch (IOException e) {
      throw new SourceException(0, "The FHIR server " + fhir.name() + " could not be reached: " + e.getMessage());
    }
    if (reply.status() == 412 || reply.status() == 409) {
      throw new VersionMoved(reply.status(), call.method() + " " + path + " answered " + reply.status() + ": "
          + reply.diagnostics());
    }
    if (!reply.ok()) {
      throw new SourceException(reply.status(), call.method() + " " + path + " answered " + reply.status() + ": "
          + reply.diagnostics());
    }
    return reply;
  }

  /** The version an answer's ETag names ({@code W/"3"}); null when it names none. */
  private static Integer version(FhirReply reply) {
    String etag = reply.header("ETag").orElse("").replaceAll("[^0-9]", "");
    return etag.isEmpty() ? null : Integer.valueOf(etag);
  }
}
