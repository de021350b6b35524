package io.brazier.proxy;

import io.brazier.server.Caller;
import io.brazier.server.Restriction;

/**
 * Whose data a caller reaches, as patient isolation decides it: for processors that keep answers to it, in front of
 * a server that does not know it (the {@code participant-filter} and {@code consent-opt-out} processors). Each is a
 * {@link Restriction} of the Patient compartment, or null where it does not restrict the caller; Administrators and
 * the global roles ({@code --global-role}) are never restricted.
 */
public interface CallerReach {

  /** The patients a caller in a patient context or a participant role is confined to; null for any other caller. */
  Restriction confinement(Caller caller);

  /** The patients whose opt-outs keep the caller out of their data (never its own); null for none. */
  Restriction optOuts(Caller caller);
}
