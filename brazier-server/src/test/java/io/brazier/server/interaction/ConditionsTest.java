package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import io.brazier.server.TestServer;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class ConditionsTest {
  private final IGenericClient client = TestServer.shared().client();
  private final String family = "Cond" + UUID.randomUUID().toString().substring(0, 8);

  @Test
  void conditionalCreateAcceptsAnySearch() {
    String first = client.create().resource(SearchTypeTest.patient(family, "A").setBirthDateElement(
        new org.hl7.fhir.r4.model.DateType("1990-04-01"))).execute().getId().getIdPart();

    MethodOutcome again = client.create().resource(SearchTypeTest.patient(family, "A"))
        .conditionalByUrl("Patient?family=" + family + "&birthdate=1990-04").execute();

    assertThat(again.getCreated()).isNotEqualTo(Boolean.TRUE);
    assertThat(again.getId().getIdPart()).isEqualTo(first);
  }

  @Test
  void conditionalUpdateAndDeleteAcceptAnySearch() {
    client.create().resource(SearchTypeTest.patient(family, "B")).execute();

    client.update().resource(SearchTypeTest.patient(family, "B").setActive(true))
        .conditionalByUrl("Patient?family:exact=" + family + "&given=b").execute();
    client.delete().resourceConditionalByUrl("Patient?family=" + family + "&active=true").execute();

    Bundle left = client.search().byUrl("Patient?family=" + family).returnBundle(Bundle.class).execute();
    assertThat(left.getTotal()).isZero();
  }

  @Test
  void aConditionalCreateMatchingSeveralIsA412AndAnUnknownCriterionA400() {
    client.create().resource(SearchTypeTest.patient(family, "C")).execute();
    client.create().resource(SearchTypeTest.patient(family, "D")).execute();

    assertThatThrownBy(() -> client.create().resource(new Patient())
        .conditionalByUrl("Patient?family=" + family).execute())
        .isInstanceOf(PreconditionFailedException.class);
    assertThatThrownBy(() -> client.delete().resourceConditionalByUrl("Patient?bogus=" + family).execute())
        .isInstanceOf(InvalidRequestException.class);
  }
}
