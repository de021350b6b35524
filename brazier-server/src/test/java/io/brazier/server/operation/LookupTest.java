package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.server.TestServer;
import io.brazier.server.terminology.StoredTerminologyTest;
import java.util.UUID;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.Test;

class LookupTest {
  private final IGenericClient client = TestServer.shared().client();
  private final String system = "http://example.org/cs/animals-" + UUID.randomUUID();

  @Test
  void lookupGivesTheDisplayParentAndChildrenOfACode() {
    StoredTerminologyTest.store(client, system, "http://example.org/vs/" + UUID.randomUUID());

    Parameters found = lookup("mammal");

    assertThat(found.getParameterValue("display").primitiveValue()).isEqualTo("Mammal");
    assertThat(found.getParameter().stream().filter(p -> p.getName().equals("property"))
        .map(p -> p.getPart().get(0).getValue().primitiveValue() + "=" + p.getPart().get(1).getValue().primitiveValue()))
        .containsExactlyInAnyOrder("parent=animal", "child=dog", "child=cat");
  }

  @Test
  void anUnknownCodeIsNotFound() {
    StoredTerminologyTest.store(client, system, "http://example.org/vs/" + UUID.randomUUID());

    assertThatThrownBy(() -> lookup("cow")).isInstanceOf(ResourceNotFoundException.class);
  }

  private Parameters lookup(String code) {
    return client.operation().onType(CodeSystem.class).named("$lookup")
        .withParameters(new Parameters().addParameter("system", new UriType(system))
            .addParameter("code", new CodeType(code))).execute();
  }
}
