package io.brazier.proxy.isolation;

import io.brazier.proxy.IsolationConfig;
import io.brazier.proxy.access.Role;
import io.brazier.server.Caller;
import io.brazier.server.FhirApi;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import io.brazier.server.Interceptor;
import io.brazier.server.Restriction;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;

/**
 * Patient and participant isolation, and patients' opt-outs, for every request and bundle entry: it works out which
 * patients' data the caller may reach and hands that to the server as the request's {@link Restriction}, which the
 * server enforces in the query itself (see {@code Restriction}). A caller in a patient context or a participant role
 * reaches only its patients' compartments ({@link Participants}); any caller but a global one is kept out of the
 * compartments of patients whose opt-out denies it ({@link ConsentOptOut}). Administrators, the configured global
 * roles and the modules of this process reach everything.
 */
public final class Isolation implements Interceptor {
  static final String PATIENT = "Patient";

  private final Participants participants;
  private final ConsentOptOut consents;
  private final Set<String> globalRoles;

  public Isolation(FhirApi api, IdentityLinks links, IsolationConfig config, Clock clock) {
    InProcessSearch search = new InProcessSearch(api);
    this.participants = new Participants(search, links, config.consentCache(), clock);
    this.consents = new ConsentOptOut(search, config.consentCategory(), config.consentCache(), clock);
    this.globalRoles = Set.copyOf(config.globalRoles());
    api.onChanges(types -> {
      participants.changed(types);
      consents.changed(types);
    });
  }

  @Override
  public FhirRequest before(FhirRequest request) {
    Caller caller = request.caller();
    if (caller.isAnonymous() || isGlobal(caller) || request.interaction() == FhirInteraction.CAPABILITIES) {
      return request;
    }
    // An entry carries what was worked out for its bundle (the same caller, at the same moment): a bundle of 500
    // entries costs one identity lookup, not 501.
    Restriction restriction = request.isEntry() ? request.restriction() : restriction(caller);
    if (restriction == null) {
      return request;
    }
    if (request.interaction() == FhirInteraction.OPERATION) {
      IsolatedOperations.check(request.operation());
    }
    return request.withRestriction(restriction);
  }

  private boolean isGlobal(Caller caller) {
    return caller.hasRole(Role.ADMINISTRATOR.title()) || caller.roles().stream().anyMatch(globalRoles::contains);
  }

  /** What the caller may reach; null for everything. */
  private Restriction restriction(Caller caller) {
    String identity = participants.identity(caller);
    Set<String> denying = consents.denying(identity);
    if (!Participants.confined(caller)) {
      return denying.isEmpty() ? null : Restriction.outside(PATIENT, denying);
    }
    Set<String> denied = new HashSet<>(denying);
    // A patient's opt-out keeps others out of its data, never the patient itself.
    denied.remove(self(caller, identity));
    return Restriction.within(PATIENT, participants.patients(caller, identity))
        .and(Restriction.outside(PATIENT, denied));
  }

  /** The patient the caller is (not one in whose context it acts, as a practitioner may): its id, or null. */
  private static String self(Caller caller, String identity) {
    if (identity != null) {
      return identity.startsWith(PATIENT + "/") ? identity.substring(PATIENT.length() + 1) : null;
    }
    return caller.patient();
  }
}
