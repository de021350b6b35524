package io.brazier.proxy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.nimbusds.jose.jwk.JWKSet;
import io.brazier.client.HttpUrls;
import io.brazier.proxy.access.Role;
import io.brazier.proxy.access.Scope;
import io.brazier.proxy.token.SecretHash;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A client of the built-in token server, as the clients file keeps it: how it proves who it is (a secret, kept as
 * its hash; or its public keys, inline or at a JWKS URL, for {@code private_key_jwt}), and what its tokens grant.
 *
 * @param secretHash the {@link SecretHash} of its secret, or null
 * @param jwksUrl where its public keys are published, or null
 * @param jwks its public keys as a JWK Set (JSON object), or null
 * @param roles the roles its tokens carry (Reader, Writer, Administrator...)
 * @param scopes the SMART scopes its tokens may carry; with none asked for, it gets them all
 * @param fhirUser the FHIR resource it acts as ({@code Practitioner/12}), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClientRegistration(String id, String secretHash, String jwksUrl, Map<String, Object> jwks,
    List<String> roles, List<String> scopes, String fhirUser) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._~-]{1,128}");
  private static final Pattern FHIR_USER = Pattern.compile("[A-Z][A-Za-z]+/[A-Za-z0-9.-]{1,64}");

  /** Checks every field, with a sentence saying what to fix. */
  public ClientRegistration {
    roles = roles == null ? List.of() : List.copyOf(roles);
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("A client id is 1 to 128 of A-Z a-z 0-9 . _ ~ -, not '" + id + "'.");
    }
    int credentials = (secretHash != null ? 1 : 0) + (jwksUrl != null ? 1 : 0) + (jwks != null ? 1 : 0);
    if (credentials != 1) {
      throw new IllegalArgumentException("Client " + id + " needs exactly one of a secret, a JWKS URL and a JWKS.");
    }
    if (secretHash != null && !SecretHash.isHash(secretHash)) {
      throw new IllegalArgumentException("Client " + id + ": the secret must be stored as its hash; register it"
          + " with 'brazier clients add'.");
    }
    checkKeys(id, jwksUrl, jwks);
    for (String role : roles) {
      if (Role.named(role).isEmpty()) {
        throw new IllegalArgumentException("Client " + id + ": '" + role + "' is not a role; the roles are Reader,"
            + " Writer, Administrator, Patient, Practitioner and RelatedPerson.");
      }
    }
    for (String scope : scopes) {
      if (Scope.parse(scope).isEmpty()) {
        throw new IllegalArgumentException("Client " + id + ": '" + scope + "' is not a SMART scope such as"
            + " system/*.rs or patient/Observation.read.");
      }
    }
    if (fhirUser != null && !FHIR_USER.matcher(fhirUser).matches()) {
      throw new IllegalArgumentException("Client " + id + ": --fhir-user is Type/id, such as Practitioner/12, not '"
          + fhirUser + "'.");
    }
  }

  private static void checkKeys(String id, String jwksUrl, Map<String, Object> jwks) {
    if (jwksUrl != null && HttpUrls.parse(jwksUrl).isEmpty()) {
      throw new IllegalArgumentException("Client " + id + ": the JWKS URL must be an http or https URL of a host: "
          + jwksUrl);
    }
    if (jwks != null) {
      try {
        if (JWKSet.parse(jwks).getKeys().isEmpty()) {
          throw new IllegalArgumentException("Client " + id + ": the JWKS has no keys.");
        }
        if (JWKSet.parse(jwks).getKeys().stream().anyMatch(key -> key.isPrivate())) {
          throw new IllegalArgumentException("Client " + id + ": the JWKS holds a private key; register only the"
              + " public keys.");
        }
      } catch (ParseException e) {
        throw new IllegalArgumentException("Client " + id + ": the JWKS is not a JWK Set: " + e.getMessage(), e);
      }
    }
  }

  /** A client that authenticates with {@code secret}, which is hashed here and never kept. */
  public static ClientRegistration withSecret(String id, String secret, List<String> roles, List<String> scopes,
      String fhirUser) {
    if (secret == null || secret.length() < 16) {
      throw new IllegalArgumentException("A client secret has at least 16 characters.");
    }
    return new ClientRegistration(id, SecretHash.of(secret), null, null, roles, scopes, fhirUser);
  }

  /** How it authenticates, for a listing: never the secret or its hash. */
  public String credential() {
    return secretHash != null ? "secret" : jwksUrl != null ? "jwks-url " + jwksUrl : "jwks (inline)";
  }
}
