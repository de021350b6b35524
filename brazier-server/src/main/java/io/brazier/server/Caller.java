package io.brazier.server;

import java.util.Set;

/**
 * Who sends a request: what authentication established (or nothing, on a server without it), carried by every
 * {@link FhirRequest} through the interceptors, every bundle entry and every interaction. The values are the
 * token's claims as the authenticating interceptor read them; this class decides nothing.
 *
 * @param subject the authenticated subject ({@code sub}, or an Entra {@code oid}), or null when anonymous
 * @param clientId the OAuth2 client ({@code client_id}, {@code azp} or Entra's {@code appid}), or null
 * @param roles the roles granted (Reader, Writer, Administrator, Patient...), as given
 * @param scopes the SMART scopes granted, as given ({@code patient/Observation.rs}, {@code system/*.read})
 * @param fhirUser the caller's own FHIR resource ({@code Practitioner/12}, {@code Patient/7}), or null
 * @param patient the patient in context ({@code patient} launch claim: an id), or null
 * @param source written to {@code meta.source} of what this caller writes, for a known system (the sync agent, the
 *     loader) so that readers of the change feed can tell its writes from others; null for everyone else
 */
public record Caller(String subject, String clientId, Set<String> roles, Set<String> scopes, String fhirUser,
    String patient, String source) {

  /**
   * The {@code meta.source} of the sync agent's writes ({@code Caller.system(SYNC_AGENT_SOURCE)}): the event
   * publisher queues no sync message for them, so that what the agent writes back is not sent to it again.
   */
  public static final String SYNC_AGENT_SOURCE = "urn:brazier:sync";

  /** Nobody in particular: what a server without authentication sees on every request. */
  public static final Caller ANONYMOUS = new Caller(null, null, Set.of(), Set.of(), null, null, null);

  public Caller {
    roles = Set.copyOf(roles);
    scopes = Set.copyOf(scopes);
  }

  /** A system of this process (the loader, the sync agent) that marks what it writes with {@code source}. */
  public static Caller system(String source) {
    return new Caller(null, null, Set.of(), Set.of(), null, null, source);
  }

  public boolean isAnonymous() {
    return subject == null && clientId == null;
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }
}
