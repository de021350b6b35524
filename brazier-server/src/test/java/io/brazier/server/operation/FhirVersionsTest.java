package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.Test;

/** $versions: R4 (4.0) is the one version and the default, as Parameters or as plain JSON and XML. */
class FhirVersionsTest {
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final Http http = server.http();

  @Test
  void theGenericClientReadsVersionFourAsTheOnlyAndDefaultVersion() {
    Parameters versions = client.operation().onServer().named("$versions").withNoParameters(Parameters.class)
        .useHttpGet().execute();

    assertThat(versions.getParameter()).extracting(p -> p.getName() + "=" + p.getValue().primitiveValue())
        .containsExactly("version=4.0", "default=4.0");
    assertThat(versions.getParameter("version").getValue().fhirType()).isEqualTo("code");
  }

  @Test
  void fhirXmlIsParametersToo() {
    Http.Response answer = http.get("/fhir/$versions", "Accept", "application/fhir+xml");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("fhir+xml"));
    assertThat(answer.resource(Parameters.class).getParameter("default").getValue().primitiveValue())
        .isEqualTo("4.0");
  }

  @Test
  void plainJsonAsTheOperationAsksForApplicationJson() {
    Http.Response answer = http.get("/fhir/$versions", "Accept", "application/json");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.header("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/json"));
    assertThat(answer.body()).isEqualTo("{\"versions\":[\"4.0\"],\"default\":\"4.0\"}");
  }

  @Test
  void plainXmlForApplicationXmlByFormatParameter() {
    Http.Response answer = http.get("/fhir/$versions?_format=application/xml");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.header("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/xml"));
    assertThat(answer.body()).isEqualTo("<versions><version>4.0</version><default>4.0</default></versions>");
  }

  @Test
  void theFormatParameterWinsOverAccept() {
    Http.Response answer = http.get("/fhir/$versions?_format=json", "Accept", "application/xml");

    assertThat(answer.resource(Parameters.class).getParameter("version").getValue().primitiveValue())
        .isEqualTo("4.0");
  }

  @Test
  void theCapabilityStatementDeclaresIt() {
    CapabilityStatement statement = client.capabilities().ofType(CapabilityStatement.class).execute();

    assertThat(statement.getRestFirstRep().getOperation()).anySatisfy(operation -> {
      assertThat(operation.getName()).isEqualTo("versions");
      assertThat(operation.getDefinition())
          .isEqualTo("http://hl7.org/fhir/OperationDefinition/CapabilityStatement-versions");
    });
  }
}
