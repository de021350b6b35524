package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.TestServer;
import io.brazier.server.terminology.StoredTerminologyTest;
import java.util.UUID;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;

class ValidateCodeTest {
  private final IGenericClient client = TestServer.shared().client();
  private final String system = "http://example.org/cs/animals-" + UUID.randomUUID();
  private final String valueSet = "http://example.org/vs/pets-" + UUID.randomUUID();

  @Test
  void aCodeIsValidInAValueSetWhenItsExpansionHoldsIt() {
    StoredTerminologyTest.store(client, system, valueSet);

    assertThat(validate(ValueSet.class, valueSet, "cat")).isTrue();
    assertThat(validate(ValueSet.class, valueSet, "bird")).isFalse();
    assertThat(validate(CodeSystem.class, system, "bird")).isTrue();
    assertThat(validate(CodeSystem.class, system, "cow")).isFalse();
  }

  private boolean validate(Class<? extends org.hl7.fhir.r4.model.Resource> type, String url, String code) {
    Parameters out = client.operation().onType(type).named("$validate-code")
        .withParameters(new Parameters().addParameter("url", new UriType(url))
            .addParameter("system", new UriType(system)).addParameter("code", new CodeType(code))).execute();
    return Boolean.parseBoolean(out.getParameterValue("result").primitiveValue());
  }
}
