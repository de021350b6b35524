package io.brazier.proxy.token;

import io.brazier.proxy.auth.LaunchEndpoints;
import io.brazier.proxy.auth.TokenUrls;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.Interceptor;
import java.util.Optional;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestSecurityComponent;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;

/**
 * Says in the CapabilityStatement how this server is secured ({@code rest.security}): a SMART-on-FHIR service, and
 * the endpoints in the {@code oauth-uris} extension, as the SMART configuration names them: the outside issuer's
 * authorization and token endpoints when one signs users in, else the built-in token endpoint.
 * https://hl7.org/fhir/smart-app-launch/conformance.html
 */
public final class CapabilitySecurity implements Interceptor {
  private static final String SERVICES = "http://terminology.hl7.org/CodeSystem/restful-security-service";
  private static final String OAUTH_URIS =
      "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

  private final Supplier<Optional<LaunchEndpoints>> launch;

  /** @param launch where apps sign users in, when an outside issuer does it */
  public CapabilitySecurity(Supplier<Optional<LaunchEndpoints>> launch) {
    this.launch = launch;
  }

  @Override
  public FhirResponse after(FhirRequest request, FhirResponse response) {
    if (request.interaction() != FhirInteraction.CAPABILITIES
        || !(response.resource() instanceof CapabilityStatement statement)) {
      return response;
    }
    CapabilityStatement secured = statement.copy(); // the server's statement is shared by every request
    CapabilityStatementRestSecurityComponent security = secured.getRestFirstRep().getSecurity();
    security.addService().addCoding().setSystem(SERVICES).setCode("SMART-on-FHIR").setDisplay("SMART-on-FHIR");
    Optional<LaunchEndpoints> outside = launch.get();
    String builtIn = TokenUrls.token(request.baseUrl());
    security.setDescription("OAuth2 bearer tokens: " + outside.map(endpoints -> "apps sign users in at the"
        + " endpoints below (" + endpoints.issuer() + "); backend clients get tokens at " + builtIn)
        .orElse("from the token endpoint below") + " (client credentials, by client secret or private_key_jwt), or"
        + " from a trusted OpenID Connect issuer. Roles Reader, Writer, Administrator; SMART v1 and v2 scopes.");
    Extension uris = security.addExtension().setUrl(OAUTH_URIS);
    outside.ifPresent(endpoints -> uris.addExtension("authorize", new UriType(endpoints.authorization())));
    uris.addExtension("token", new UriType(outside.map(LaunchEndpoints::token).orElse(builtIn)));
    FhirResponse answer = FhirResponse.of(response.status(), secured);
    response.headers().forEach(answer::header);
    return answer;
  }
}
