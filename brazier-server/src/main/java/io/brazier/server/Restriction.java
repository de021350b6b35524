package io.brazier.server;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The part of the data a request may reach, set by an interceptor (patient isolation): the resources in the
 * compartments of some owners and in none of others. The server keeps every interaction of the request to it as if
 * nothing else were stored: a search carries it as a criterion (so totals, pages, chains, {@code _has} and includes
 * agree), a read, vread or history tests each version by its own references and answers 404 for what lies outside,
 * conditional writes and conditional references match only inside, and a write may neither change a resource outside
 * nor store one outside. Resources of types without members in the compartment (for Patient: Practitioner,
 * Organization, Medication...) are not restricted.
 *
 * @param compartment the compartment type ({@code Patient})
 * @param within the ids of the owners whose compartments may be reached; null for any
 * @param outside the ids of the owners whose compartments may not be reached, whatever {@code within} says
 */
public record Restriction(String compartment, Set<String> within, Set<String> outside) {

  public Restriction {
    within = within == null ? null : Set.copyOf(within);
    outside = Set.copyOf(outside);
  }

  /** Only the compartments of {@code owners} (none: no compartment at all). */
  public static Restriction within(String compartment, Collection<String> owners) {
    return new Restriction(compartment, Set.copyOf(owners), Set.of());
  }

  /** Anything but the compartments of {@code owners}. */
  public static Restriction outside(String compartment, Collection<String> owners) {
    return new Restriction(compartment, null, Set.copyOf(owners));
  }

  /** What both restrictions let through (of the same compartment). */
  public Restriction and(Restriction other) {
    if (!compartment.equals(other.compartment)) {
      throw new IllegalArgumentException("Restrictions of two compartments, " + compartment + " and "
          + other.compartment + ", cannot be combined.");
    }
    Set<String> both = within == null ? other.within : other.within == null ? within : intersection(other.within);
    Set<String> neither = new HashSet<>(outside);
    neither.addAll(other.outside);
    return new Restriction(compartment, both, neither);
  }

  private Set<String> intersection(Set<String> others) {
    Set<String> common = new HashSet<>(within);
    common.retainAll(others);
    return common;
  }

  /** Whether a resource in the compartments of {@code owners} (empty: in none) may be read. */
  public boolean reaches(Set<String> owners) {
    boolean inside = within == null || owners.stream().anyMatch(within::contains);
    return inside && owners.stream().noneMatch(outside::contains);
  }

  /** Whether a resource in the compartments of {@code owners} may be stored: reachable, and in no other one. */
  public boolean admits(Set<String> owners) {
    return reaches(owners) && (within == null || within.containsAll(owners));
  }
}
