package io.brazier.proxy.isolation;

import io.brazier.proxy.IsolationConfig;
import io.brazier.proxy.access.Role;
import io.brazier.server.Caller;
import io.brazier.server.Restriction;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;

/**
 * Which patients' data a caller may reach, as a {@link Restriction} of the Patient compartment: a caller in a
 * patient context or a participant role reaches only its patients' compartments ({@link Participants}); any caller
 * but a global one is kept out of the compartments of patients whose opt-out denies it ({@link ConsentOptOut}).
 * Administrators and the configured global roles reach everything. The same whoever enforces it: the server in
 * {@code serve --auth} ({@link Isolation}), the standalone proxy in front of another ({@link UpstreamIsolation}).
 */
final class Reach {
  static final String PATIENT = "Patient";

  private final Participants participants;
  private final ConsentOptOut consents;
  private final Set<String> globalRoles;

  /** @param search how the data that decides (identity's patients, consents) is read */
  Reach(Lookup search, IdentityLinks links, IsolationConfig config, Clock clock) {
    this.participants = new Participants(search, links, config.consentCache(), clock);
    this.consents = new ConsentOptOut(search, config.consentCategory(), config.consentCache(), clock);
    this.globalRoles = Set.copyOf(config.globalRoles());
  }

  /** Hears of committed changes of {@code types}: what was read of them is read again. */
  void changed(Set<String> types) {
    participants.changed(types);
    consents.changed(types);
  }

  boolean isGlobal(Caller caller) {
    return caller.hasRole(Role.ADMINISTRATOR.title()) || caller.roles().stream().anyMatch(globalRoles::contains);
  }

  /** What a caller that is not global may reach; null for everything. */
  Restriction of(Caller caller) {
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
