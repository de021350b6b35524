package io.brazier.server.operation;

import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.http.Formats;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Parameters;

/**
 * {@code GET [base]/$versions}: the FHIR versions this server speaks and the one it uses when a request names none
 * (the {@code fhirVersion} media type parameter). This server speaks R4 only, so both are {@code 4.0}. The answer is
 * a Parameters resource in the FHIR formats, and, as the operation requires "for the convenience of clients", the
 * plain {@code {"versions": [...], "default": ...}} object or {@code <versions>} element when the client asks for
 * {@code application/json} or {@code application/xml} by name.
 * https://hl7.org/fhir/R4/capabilitystatement-operation-versions.html
 */
public final class FhirVersions implements Interaction {
  public static final Operations.Definition OPERATION = new Operations.Definition("versions",
      "http://hl7.org/fhir/OperationDefinition/CapabilityStatement-versions");
  /** The major.minor of FHIR R4, as the operation names versions. */
  static final String R4 = "4.0";

  @Override
  public FhirResponse handle(FhirRequest request) {
    String mediaType = Formats.mediaType(request.param("_format"), request.header("Accept"));
    if ("application/json".equals(mediaType)) {
      return plain("application/json", "{\"versions\":[\"" + R4 + "\"],\"default\":\"" + R4 + "\"}");
    }
    if ("application/xml".equals(mediaType)) {
      return plain("application/xml",
          "<versions><version>" + R4 + "</version><default>" + R4 + "</default></versions>");
    }
    return FhirResponse.ok(new Parameters().addParameter("version", new CodeType(R4))
        .addParameter("default", new CodeType(R4)));
  }

  private static FhirResponse plain(String mediaType, String body) {
    return FhirResponse.raw(200, mediaType + ";charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }
}
