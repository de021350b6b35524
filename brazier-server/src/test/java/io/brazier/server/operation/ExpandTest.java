package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.TestServer;
import io.brazier.server.terminology.StoredTerminologyTest;
import java.util.UUID;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;

class ExpandTest {
  private final IGenericClient client = TestServer.shared().client();
  private final String system = "http://example.org/cs/animals-" + UUID.randomUUID();
  private final String valueSet = "http://example.org/vs/pets-" + UUID.randomUUID();

  @Test
  void expandListsTheCodesOfAStoredValueSetWithFilterAndPaging() {
    StoredTerminologyTest.store(client, system, valueSet);

    ValueSet all = expand(new Parameters().addParameter("url", new UriType(valueSet)));
    ValueSet filtered = expand(new Parameters().addParameter("url", new UriType(valueSet))
        .addParameter("filter", new StringType("DO")));
    ValueSet paged = expand(new Parameters().addParameter("url", new UriType(valueSet))
        .addParameter("count", new IntegerType(2)));

    assertThat(all.getExpansion().getContains()).extracting(c -> c.getCode())
        .containsExactlyInAnyOrder("mammal", "dog", "cat", "parrot");
    assertThat(filtered.getExpansion().getContains()).extracting(c -> c.getCode()).containsExactly("dog");
    assertThat(paged.getExpansion().getTotal()).isEqualTo(4);
    assertThat(paged.getExpansion().getContains()).hasSize(2);
  }

  private ValueSet expand(Parameters parameters) {
    return client.operation().onType(ValueSet.class).named("$expand").withParameters(parameters)
        .returnResourceType(ValueSet.class).execute();
  }
}
