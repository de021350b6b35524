package io.brazier.proxy.isolation;

import io.brazier.proxy.CallerReach;
import io.brazier.proxy.IsolationConfig;
import io.brazier.proxy.access.Role;
import io.brazier.server.Caller;
import io.brazier.server.Restriction;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;

/**
 * Which patients' data a caller reaches ({@link Participants}) and which patients' opt-outs keep it out
 * ({@link ConsentOptOut}), from the data of the server it guards: what {@link Isolation} hands Brazier's server as a
 * request's {@link Restriction}, what {@link UpstreamIsolation} enforces in front of another server, and what the
 * {@code participant-filter} and {@code consent-opt-out} processors keep another server's answers to.
 */
final class PatientReach implements CallerReach {
  static final String PATIENT = "Patient";

  private final Participants participants;
  private final ConsentOptOut consents;
  private final Set<String> globalRoles;

  PatientReach(Lookup search, IdentityLinks links, IsolationConfig config, Clock clock) {
    this.participants = new Participants(search, links, config.consentCache(), clock);
    this.consents = new ConsentOptOut(search, config.consentCategory(), config.consentCache(), clock);
    this.globalRoles = Set.copyOf(config.globalRoles());
  }

  /** Drops what was read of these types. */
  void changed(Set<String> types) {
    participants.changed(types);
    consents.changed(types);
  }

  boolean isGlobal(Caller caller) {
    return caller.hasRole(Role.ADMINISTRATOR.title()) || caller.roles().stream().anyMatch(globalRoles::contains);
  }

  @Override
  public Restriction confinement(Caller caller) {
    if (caller.isAnonymous() || isGlobal(caller) || !Participants.confined(caller)) {
      return null;
    }
    return Restriction.within(PATIENT, participants.patients(caller, participants.identity(caller)));
  }

  @Override
  public Restriction optOuts(Caller caller) {
    if (caller.isAnonymous() || isGlobal(caller)) {
      return null;
    }
    String identity = participants.identity(caller);
    Set<String> denied = new HashSet<>(consents.denying(identity));
    // A patient's opt-out keeps others out of its data, never the patient itself.
    denied.remove(self(caller, identity));
    return denied.isEmpty() ? null : Restriction.outside(PATIENT, denied);
  }

  /** Both: what the caller may reach; null for everything. */
  Restriction restriction(Caller caller) {
    Restriction within = confinement(caller);
    Restriction outside = optOuts(caller);
    return within == null ? outside : outside == null ? within : within.and(outside);
  }

  /** The patient the caller is (not one in whose context it acts, as a practitioner may): its id, or null. */
  private static String self(Caller caller, String identity) {
    if (identity != null) {
      return identity.startsWith(PATIENT + "/") ? identity.substring(PATIENT.length() + 1) : null;
    }
    return caller.patient();
  }
}
