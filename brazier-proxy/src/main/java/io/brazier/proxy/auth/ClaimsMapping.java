package io.brazier.proxy.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import io.brazier.server.Caller;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads who a verified token stands for, whichever issuer made it: Microsoft Entra ID v1 and v2 ({@code oid},
 * {@code appid}/{@code azp}, {@code roles}, {@code scp}), Keycloak ({@code realm_access} and
 * {@code resource_access} roles, {@code scope}), SMART ({@code scope}, {@code fhirUser}, {@code patient}) and the
 * built-in token server (all of these names). Role names are mapped through the configured aliases (an identity
 * provider's {@code FHIRProxyReader} may be this server's Reader).
 */
final class ClaimsMapping {
  private final Map<String, String> roleAliases;

  ClaimsMapping(Map<String, String> roleAliases) {
    this.roleAliases = Map.copyOf(roleAliases);
  }

  Caller caller(JWTClaimsSet claims) throws ParseException {
    String subject = first(claims.getStringClaim("oid"), claims.getSubject());
    String clientId = first(claims.getStringClaim("client_id"), first(claims.getStringClaim("azp"),
        claims.getStringClaim("appid")));
    String fhirUser = first(claims.getStringClaim("fhirUser"), claims.getStringClaim("extension_fhirUser"));
    String patient = first(claims.getStringClaim("patient"), patientOf(fhirUser));
    return new Caller(subject, clientId, roles(claims), scopes(claims), fhirUser, patient, null);
  }

  private Set<String> roles(JWTClaimsSet claims) throws ParseException {
    List<String> named = new ArrayList<>(strings(claims.getClaim("roles")));
    Map<String, Object> realm = claims.getJSONObjectClaim("realm_access");
    if (realm != null) {
      named.addAll(strings(realm.get("roles")));
    }
    Map<String, Object> clients = claims.getJSONObjectClaim("resource_access");
    if (clients != null && claims.getAudience() != null) {
      for (String audience : claims.getAudience()) {
        if (clients.get(audience) instanceof Map<?, ?> client) {
          named.addAll(strings(client.get("roles")));
        }
      }
    }
    Set<String> roles = new LinkedHashSet<>();
    named.forEach(role -> roles.add(roleAliases.getOrDefault(role, role)));
    return roles;
  }

  /** {@code scope} (OAuth2, SMART, Keycloak) and {@code scp} (Entra): space separated, or a list. */
  private static Set<String> scopes(JWTClaimsSet claims) {
    Set<String> scopes = new LinkedHashSet<>();
    for (String name : List.of("scope", "scp")) {
      for (String value : strings(claims.getClaim(name))) {
        scopes.addAll(Arrays.asList(value.trim().split("\\s+")));
      }
    }
    scopes.remove("");
    return scopes;
  }

  private static List<String> strings(Object claim) {
    if (claim instanceof String text) {
      return List.of(text);
    }
    if (claim instanceof List<?> list) {
      return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }
    return List.of();
  }

  /** A patient context from a {@code fhirUser} that is a Patient: {@code Patient/7}, or its absolute URL. */
  private static String patientOf(String fhirUser) {
    if (fhirUser == null) {
      return null;
    }
    int at = fhirUser.lastIndexOf("Patient/");
    boolean isPatient = at == 0 || (at > 0 && fhirUser.charAt(at - 1) == '/');
    return isPatient && fhirUser.indexOf('/', at + "Patient/".length()) < 0
        ? fhirUser.substring(at + "Patient/".length()) : null;
  }

  private static String first(String preferred, String fallback) {
    return preferred != null && !preferred.isBlank() ? preferred : fallback;
  }
}
