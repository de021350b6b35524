package io.brazier.proxy.token;

import io.brazier.proxy.auth.TokenUrls;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.Interceptor;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestSecurityComponent;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;

/**
 * Says in the CapabilityStatement how this server is secured ({@code rest.security}): a SMART-on-FHIR service, and
 * the token endpoint in the {@code oauth-uris} extension. https://hl7.org/fhir/smart-app-launch/conformance.html
 */
public final class CapabilitySecurity implements Interceptor {
  private static final String SERVICES = "http://terminology.hl7.org/CodeSystem/restful-security-service";
  private static final String OAUTH_URIS =
      "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

  @Override
  public FhirResponse after(FhirRequest request, FhirResponse response) {
    if (request.interaction() != FhirInteraction.CAPABILITIES
        || !(response.resource() instanceof CapabilityStatement statement)) {
      return response;
    }
    CapabilityStatement secured = statement.copy(); // the server's statement is shared by every request
    CapabilityStatementRestSecurityComponent security = secured.getRestFirstRep().getSecurity();
    security.addService().addCoding().setSystem(SERVICES).setCode("SMART-on-FHIR").setDisplay("SMART-on-FHIR");
    security.setDescription("OAuth2 bearer tokens: from the token endpoint below (client credentials, by client"
        + " secret or private_key_jwt), or from a trusted OpenID Connect issuer. Roles Reader, Writer,"
        + " Administrator; SMART v1 and v2 scopes.");
    Extension uris = security.addExtension().setUrl(OAUTH_URIS);
    uris.addExtension("token", new UriType(TokenUrls.token(request.baseUrl())));
    FhirResponse answer = FhirResponse.of(response.status(), secured);
    response.headers().forEach(answer::header);
    return answer;
  }
}
