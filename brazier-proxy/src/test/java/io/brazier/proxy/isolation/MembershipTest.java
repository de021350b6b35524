package io.brazier.proxy.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.server.Restriction;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Whether resources lie within a restriction, by the compartments their own references put them in. */
class MembershipTest {
  private static final Membership MEMBERSHIP = new Membership(new FhirSearch(new Fhir(false)));
  private static final Restriction FIRST = Restriction.within("Patient", Set.of("p1"));

  @Test
  void aResourceIsReachedThroughAnyReferenceThatMakesItAMember() throws IOException {
    JsonNode subject = json("{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
        + "\"subject\":{\"reference\":\"Patient/p2\"},\"performer\":[{\"reference\":\"Patient/p1\"}]}");
    JsonNode other = json("{\"resourceType\":\"Observation\",\"id\":\"o2\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
        + "\"subject\":{\"reference\":\"Patient/p2\"}}");

    assertThat(MEMBERSHIP.reaches(FIRST, subject)).isTrue();
    assertThat(MEMBERSHIP.admits(FIRST, subject)).as("it is in the second's compartment as well").isFalse();
    assertThat(MEMBERSHIP.reaches(FIRST, other)).isFalse();
    assertThat(MEMBERSHIP.reaches(FIRST.and(Restriction.outside("Patient", Set.of("p2"))), subject)).isFalse();
  }

  @Test
  void aPatientIsInItsOwnCompartmentAndANewOneInNoneTheCallerReaches() throws IOException {
    assertThat(MEMBERSHIP.reaches(FIRST, json("{\"resourceType\":\"Patient\",\"id\":\"p1\"}"))).isTrue();
    assertThat(MEMBERSHIP.reaches(FIRST, json("{\"resourceType\":\"Patient\",\"id\":\"p2\"}"))).isFalse();
    assertThat(MEMBERSHIP.admits(FIRST, json("{\"resourceType\":\"Patient\"}"))).isFalse();
  }

  @Test
  void typesWithoutMembersAreNotRestricted() throws IOException {
    JsonNode practitioner = json("{\"resourceType\":\"Practitioner\",\"id\":\"dr\"}");

    assertThat(MEMBERSHIP.restricts(FIRST, "Practitioner")).isFalse();
    assertThat(MEMBERSHIP.reaches(FIRST, practitioner)).isTrue();
    assertThat(MEMBERSHIP.admits(FIRST, practitioner)).isTrue();
  }

  private static JsonNode json(String text) throws IOException {
    return Jackson.MAPPER.readTree(text);
  }
}
