package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.search.Compartments;
import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.Criterion.InCompartment;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.server.Restriction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestrictionCriteriaTest {
  private static final Compartments COMPARTMENTS = new Compartments();
  private final RestrictionCriteria restrictions = new RestrictionCriteria(COMPARTMENTS);
  private final Map<String, List<String>> patientCompartment = COMPARTMENTS.params("Patient");

  @Test
  void aSearchOfTheCallersOwnCompartmentIsNotConfinedTwice() {
    SearchQuery everything = search(new InCompartment("Patient", List.of("p1"), patientCompartment, true));

    SearchQuery confined = restrictions.confine(everything, Restriction.within("Patient", List.of("p1", "p2")));

    assertThat(confined.criteria()).isEqualTo(everything.criteria());
  }

  @Test
  void aSearchOfAnotherPatientsCompartmentIsConfinedToTheCallers() {
    SearchQuery others = search(new InCompartment("Patient", List.of("p1", "p3"), patientCompartment, true));

    SearchQuery confined = restrictions.confine(others, Restriction.within("Patient", List.of("p1")));

    assertThat(confined.criteria()).hasSize(2).startsWith(others.criteria().get(0));
  }

  @Test
  void anOptedOutPatientIsLeftOutEvenInsideTheCallersCompartment() {
    SearchQuery own = search(new InCompartment("Patient", List.of("p1"), patientCompartment, true));
    Restriction optedOut = Restriction.within("Patient", List.of("p1")).and(Restriction.outside("Patient",
        List.of("p9")));

    assertThat(restrictions.confine(own, optedOut).criteria()).hasSize(2);
  }

  @Test
  void aCriterionOnAReferenceTheCompartmentDoesNotDefineStillGetsTheRestriction() {
    SearchQuery byPerformer = search(new InCompartment("Patient", List.of("p1"),
        Map.of("Observation", List.of("focus")), false));

    assertThat(restrictions.confine(byPerformer, Restriction.within("Patient", List.of("p1"))).criteria())
        .hasSize(2);
  }

  @Test
  void aSearchOfEveryCompartmentIsConfined() {
    SearchQuery anyPatient = search(new InCompartment("Patient", List.of(), patientCompartment, true));

    assertThat(restrictions.confine(anyPatient, Restriction.within("Patient", List.of("p1"))).criteria())
        .hasSize(2);
  }

  private static SearchQuery search(Criterion criterion) {
    return SearchQuery.of(List.of("Observation", "Condition"), List.of(criterion));
  }
}
