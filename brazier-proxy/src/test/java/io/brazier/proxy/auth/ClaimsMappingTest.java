package io.brazier.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import io.brazier.server.Caller;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaimsMappingTest {
  private final ClaimsMapping mapping = new ClaimsMapping(Map.of("FHIRProxyWriter", "Writer"));

  @Test
  void anEntraV1ApplicationTokenGivesItsObjectAppRolesAndScopes() throws Exception {
    JWTClaimsSet entra = new JWTClaimsSet.Builder().issuer("https://sts.windows.net/tenant/").subject("s")
        .claim("oid", "object-id").claim("appid", "app-id").claim("roles", List.of("Reader", "FHIRProxyWriter"))
        .claim("scp", "user_impersonation system.Observation.read").build();

    Caller caller = mapping.caller(entra);

    assertThat(caller.subject()).isEqualTo("object-id");
    assertThat(caller.clientId()).isEqualTo("app-id");
    assertThat(caller.roles()).containsExactlyInAnyOrder("Reader", "Writer");
    assertThat(caller.scopes()).containsExactlyInAnyOrder("user_impersonation", "system.Observation.read");
  }

  @Test
  void aKeycloakTokenGivesRealmRolesAndTheRolesOfItsAudienceClient() throws Exception {
    JWTClaimsSet keycloak = new JWTClaimsSet.Builder().subject("user").audience("fhir").claim("azp", "portal")
        .claim("realm_access", Map.of("roles", List.of("Reader")))
        .claim("resource_access", Map.of("fhir", Map.of("roles", List.of("Writer")),
            "other", Map.of("roles", List.of("Administrator"))))
        .claim("scope", "openid patient/*.rs").build();

    Caller caller = mapping.caller(keycloak);

    assertThat(caller.clientId()).isEqualTo("portal");
    assertThat(caller.roles()).containsExactlyInAnyOrder("Reader", "Writer");
    assertThat(caller.scopes()).containsExactlyInAnyOrder("openid", "patient/*.rs");
  }

  @Test
  void thePatientInContextComesFromThePatientClaimOrAPatientFhirUser() throws Exception {
    Caller byClaim = mapping.caller(new JWTClaimsSet.Builder().subject("a").claim("patient", "7")
        .claim("fhirUser", "Practitioner/3").build());
    Caller byFhirUser = mapping.caller(new JWTClaimsSet.Builder().subject("b")
        .claim("fhirUser", "https://example.org/fhir/Patient/9").build());
    Caller practitioner = mapping.caller(new JWTClaimsSet.Builder().subject("c")
        .claim("extension_fhirUser", "Practitioner/3").build());

    assertThat(byClaim.patient()).isEqualTo("7");
    assertThat(byFhirUser.patient()).isEqualTo("9");
    assertThat(practitioner.fhirUser()).isEqualTo("Practitioner/3");
    assertThat(practitioner.patient()).isNull();
  }
}
