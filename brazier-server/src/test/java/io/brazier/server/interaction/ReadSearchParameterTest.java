package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.server.TestServer;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.SearchParameter.SearchModifierCode;
import org.junit.jupiter.api.Test;

class ReadSearchParameterTest {
  private final IGenericClient client = TestServer.shared().client();

  @Test
  void theSpecificationsParametersAreServedWithTheModifiersThisServerSupports() {
    SearchParameter code = client.read().resource(SearchParameter.class).withId("clinical-code").execute();
    SearchParameter subject = client.read().resource(SearchParameter.class).withId("Observation-subject").execute();

    assertThat(code.getUrl()).isEqualTo("http://hl7.org/fhir/SearchParameter/clinical-code");
    assertThat(code.getModifier()).extracting(m -> m.getValue()).contains(SearchModifierCode.TEXT,
        SearchModifierCode.NOT, SearchModifierCode.IN, SearchModifierCode.BELOW, SearchModifierCode.OFTYPE);
    assertThat(subject.getModifier()).extracting(m -> m.getValue()).contains(SearchModifierCode.TYPE,
        SearchModifierCode.IDENTIFIER, SearchModifierCode.MISSING);
  }

  @Test
  void anUnknownParameterIsNotFound() {
    assertThatThrownBy(() -> client.read().resource(SearchParameter.class).withId("No-such-parameter").execute())
        .isInstanceOf(ResourceNotFoundException.class);
  }
}
