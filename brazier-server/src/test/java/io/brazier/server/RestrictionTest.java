package io.brazier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The compartments a request may reach, and what it may store: the values patient isolation sets. */
class RestrictionTest {
  private final Restriction alice = Restriction.within("Patient", List.of("alice"));
  private final Restriction notBob = Restriction.outside("Patient", List.of("bob"));

  @Test
  void withinReachesAResourceInAnyOfTheOwnersCompartments() {
    assertThat(alice.reaches(Set.of("alice"))).isTrue();
    assertThat(alice.reaches(Set.of("alice", "carol"))).as("shared with another patient").isTrue();
    assertThat(alice.reaches(Set.of("carol"))).isFalse();
    assertThat(alice.reaches(Set.of())).as("in no compartment").isFalse();
  }

  @Test
  void outsideReachesAnythingButTheOwnersCompartments() {
    assertThat(notBob.reaches(Set.of())).isTrue();
    assertThat(notBob.reaches(Set.of("alice"))).isTrue();
    assertThat(notBob.reaches(Set.of("alice", "bob"))).isFalse();
  }

  @Test
  void withinNoOwnersReachesNothingInACompartment() {
    Restriction none = Restriction.within("Patient", List.of());

    assertThat(none.reaches(Set.of("alice"))).isFalse();
  }

  @Test
  void aResourceMayBeStoredOnlyInTheCompartmentsReached() {
    assertThat(alice.admits(Set.of("alice"))).isTrue();
    assertThat(alice.admits(Set.of("alice", "carol"))).as("it would reach into carol's").isFalse();
    assertThat(notBob.admits(Set.of("alice", "carol"))).isTrue();
    assertThat(notBob.admits(Set.of("bob"))).isFalse();
  }

  @Test
  void twoRestrictionsLetThroughOnlyWhatBothDo() {
    Restriction both = Restriction.within("Patient", List.of("alice", "bob")).and(notBob);
    Restriction narrower = both.and(Restriction.within("Patient", List.of("bob", "carol")));

    assertThat(both.reaches(Set.of("alice"))).isTrue();
    assertThat(both.reaches(Set.of("bob"))).isFalse();
    assertThat(narrower.within()).containsExactly("bob");
    assertThat(narrower.reaches(Set.of("bob"))).isFalse();
    assertThat(narrower.reaches(Set.of("alice"))).isFalse();
  }

  @Test
  void restrictionsOfTwoCompartmentsCannotBeCombined() {
    Restriction practitioner = Restriction.within("Practitioner", List.of("p1"));

    assertThatThrownBy(() -> alice.and(practitioner)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Patient").hasMessageContaining("Practitioner");
  }
}
