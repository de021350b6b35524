package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import io.brazier.testkit.Parallel;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class CreateTest {
  private static final String SYSTEM = "urn:brazier:test:create";

  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final Http http = server.http();

  @Test
  void createAssignsAnIdAndTheMetaIgnoringThoseInTheBody() {
    String body = """
        {"resourceType":"Patient","id":"chosen-by-client",
         "meta":{"versionId":"42","lastUpdated":"2001-01-01T00:00:00Z"},"name":[{"family":"Chalmers"}]}""";

    Http.Response response = http.post("/fhir/Patient", body);

    assertThat(response.status()).isEqualTo(201);
    Patient created = response.resource(Patient.class);
    assertThat(created.getIdPart()).isNotEqualTo("chosen-by-client").matches("[a-z0-9]{16}");
    assertThat(created.getMeta().getVersionId()).isEqualTo("1");
    assertThat(created.getMeta().getLastUpdated()).isAfter(Instant.now().minus(1, ChronoUnit.MINUTES));
    assertThat(created.getNameFirstRep().getFamily()).isEqualTo("Chalmers");
    assertThat(response.header("Location"))
        .hasValue(server.baseUrl() + "/Patient/" + created.getIdPart() + "/_history/1");
    assertThat(response.header("ETag")).hasValue("W/\"1\"");
    assertThat(response.header("Last-Modified")).isPresent();
  }

  @Test
  void aCreatedResourceReadsBackAsTheCreateAnsweredIt() {
    Http.Response created = http.post("/fhir/Patient", "{\"resourceType\":\"Patient\",\"active\":true}");
    String id = created.resource(Patient.class).getIdPart();

    Http.Response read = http.get("/fhir/Patient/" + id);

    assertThat(read.body()).isEqualTo(created.body());
  }

  @Test
  void aNameGivenOnlyAsAnExtensionReadsBackWithIt() {
    Http.Response created = http.post("/fhir/Patient", """
        {"resourceType":"Patient","name":[{"family":"Masked","given":[null],
         "_given":[{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/data-absent-reason",
         "valueCode":"masked"}]}]}]}""");
    assertThat(created.status()).isEqualTo(201);

    Patient read = client.read().resource(Patient.class).withId(created.resource(Patient.class).getIdPart())
        .execute();

    assertThat(read.getNameFirstRep().getGiven()).singleElement().satisfies(given -> {
      assertThat(given.getValue()).isNull();
      assertThat(given.getExtensionByUrl("http://hl7.org/fhir/StructureDefinition/data-absent-reason")
          .getValue().primitiveValue()).isEqualTo("masked");
    });
  }

  @Test
  void theHapiClientSeesTheCreatedIdAndVersion() {
    MethodOutcome outcome = client.create().resource(patient("Hapi", "create-" + UUID.randomUUID())).execute();

    assertThat(outcome.getResponseStatusCode()).isEqualTo(201);
    assertThat(outcome.getId().getResourceType()).isEqualTo("Patient");
    assertThat(outcome.getId().getVersionIdPart()).isEqualTo("1");
  }

  @Test
  void conditionalCreateWithoutAMatchCreates() {
    String value = UUID.randomUUID().toString();

    MethodOutcome outcome = client.create().resource(patient("First", value))
        .conditional().where(Patient.IDENTIFIER.exactly().systemAndIdentifier(SYSTEM, value)).execute();

    assertThat(outcome.getResponseStatusCode()).isEqualTo(201);
  }

  @Test
  void conditionalCreateWithOneMatchAnswersTheMatchAndWritesNothing() {
    String value = UUID.randomUUID().toString();
    String existing = client.create().resource(patient("First", value)).execute().getId().getIdPart();
    long before = server.lastChange();

    MethodOutcome outcome = client.create().resource(patient("Second", value))
        .conditional().where(Patient.IDENTIFIER.exactly().systemAndIdentifier(SYSTEM, value)).execute();

    assertThat(outcome.getResponseStatusCode()).isEqualTo(200);
    assertThat(outcome.getId().getIdPart()).isEqualTo(existing);
    assertThat(server.changesSince(before)).isEmpty();
  }

  @Test
  void conditionalCreateMatchingAPlaceholderStoresTheResourceAsItsNextVersion() {
    String value = UUID.randomUUID().toString();
    String placeholder = http.post("/fhir/Patient", """
        {"resourceType":"Patient","identifier":[{"system":"%s","value":"%s"}],
         "meta":{"tag":[{"system":"%s","code":"%s"}]}}""".formatted(SYSTEM, value, Placeholders.TAG_SYSTEM,
        Placeholders.TAG_CODE)).resource(Patient.class).getIdPart();

    MethodOutcome outcome = client.create().resource(patient("Real", value))
        .conditional().where(Patient.IDENTIFIER.exactly().systemAndIdentifier(SYSTEM, value)).execute();

    assertThat(outcome.getResponseStatusCode()).isEqualTo(201);
    assertThat(outcome.getId().getIdPart()).isEqualTo(placeholder);
    Patient stored = client.read().resource(Patient.class).withId(placeholder).execute();
    assertThat(stored.getNameFirstRep().getFamily()).isEqualTo("Real");
    assertThat(stored.getMeta().getVersionId()).isEqualTo("2");
    assertThat(stored.getMeta().getTag(Placeholders.TAG_SYSTEM, Placeholders.TAG_CODE)).isNull();
  }

  @Test
  void concurrentConditionalCreatesWithTheSameCriteriaCreateOnce() throws Exception {
    String value = UUID.randomUUID().toString();
    server.overlap().reset();

    List<Integer> statuses = Parallel.run(16, 2, (thread, step) -> {
      // Half name the criteria in another order: the same conditions, however written.
      String criteria = thread % 2 == 0 ? "identifier=" + SYSTEM + "|" + value + "&active=true"
          : "active=true&identifier=" + SYSTEM + "|" + value;
      return client.create().resource(patient("Racer", value).setActive(true)).conditionalByUrl("Patient?" + criteria)
          .execute().getResponseStatusCode();
    }).results();

    assertThat(server.overlap().mostAtOnce()).as("creates the server ran at once").isGreaterThan(1);
    assertThat(statuses).hasSize(32).containsOnlyOnce(201).containsOnly(200, 201);
    assertThat(client.search().forResource(Patient.class)
        .where(Patient.IDENTIFIER.exactly().systemAndIdentifier(SYSTEM, value))
        .returnBundle(Bundle.class).execute().getEntry()).hasSize(1);
  }

  @Test
  void conditionalCreateByIdFindsTheResource() {
    String existing = client.create().resource(patient("ById", "x")).execute().getId().getIdPart();

    MethodOutcome outcome = client.create().resource(patient("Other", "y"))
        .conditionalByUrl("Patient?_id=" + existing).execute();

    assertThat(outcome.getResponseStatusCode()).isEqualTo(200);
    assertThat(outcome.getId().getIdPart()).isEqualTo(existing);
  }

  @Test
  void conditionalCreateWithManyMatchesIsAPreconditionFailure() {
    String value = UUID.randomUUID().toString();
    client.create().resource(patient("One", value)).execute();
    client.create().resource(patient("Two", value)).execute();
    long before = server.lastChange();

    assertThatThrownBy(() -> client.create().resource(patient("Three", value))
        .conditional().where(Patient.IDENTIFIER.exactly().systemAndIdentifier(SYSTEM, value)).execute())
        .isInstanceOfSatisfying(PreconditionFailedException.class,
            e -> assertThat(e.getOperationOutcome()).isNotNull());
    assertThat(server.changesSince(before)).isEmpty();
  }

  @Test
  void conditionalCreateTakesTheCriteriaWithOrWithoutTheType() {
    String value = UUID.randomUUID().toString();
    String existing = client.create().resource(patient("Bare", value)).execute().getId().getIdPart();

    Http.Response bare = http.post("/fhir/Patient", "{\"resourceType\":\"Patient\"}",
        "If-None-Exist", "identifier=" + SYSTEM + "|" + value);
    Http.Response typed = http.post("/fhir/Patient", "{\"resourceType\":\"Patient\"}",
        "If-None-Exist", "Patient?identifier=" + SYSTEM + "|" + value);

    assertThat(bare.status()).isEqualTo(200);
    assertThat(typed.status()).isEqualTo(200);
    assertThat(typed.resource(Patient.class).getIdPart()).isEqualTo(existing);
  }

  @Test
  void conditionalCreateWithAnUnknownParameterIsRefused() {
    http.refused(400, "POST", "/fhir/Patient", "{\"resourceType\":\"Patient\"}", "If-None-Exist", "bogus=Smith");
  }

  @Test
  void conditionalCreateOverContainedResourcesIsRefusedRatherThanWidened() {
    http.refused(400, "POST", "/fhir/Patient", "{\"resourceType\":\"Patient\"}", "If-None-Exist",
        "_contained=true&name=Smith");
  }

  @Test
  void malformedJsonIsRefused() {
    http.refused(400, "POST", "/fhir/Patient", "{\"resourceType\":\"Patient\",");
  }

  @Test
  void malformedXmlIsRefused() {
    http.refused(400, "POST", "/fhir/Patient", "<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"true\">",
        "Content-Type", "application/fhir+xml");
  }

  @Test
  void jsonThatIsNotAResourceIsRefused() {
    http.refused(400, "POST", "/fhir/Patient", "[1, 2, 3]");
    http.refused(400, "POST", "/fhir/Patient", "{\"name\":[{\"family\":\"NoType\"}]}");
  }

  @Test
  void aBodyOfAnotherTypeThanTheUrlIsRefused() {
    http.refused(400, "POST", "/fhir/Patient", "{\"resourceType\":\"Observation\",\"status\":\"final\"}");
  }

  @Test
  void aControlCharacterInAStringIsRefusedNamingTheElementInJsonAndXml() {
    OperationOutcome json = http.refused(400, "POST", "/fhir/Patient",
        "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Nul\\u0000Byte\"}]}");
    // XML 1.0 has no way to write U+0001, XML 1.1 has one.
    OperationOutcome xml = http.refused(400, "POST", "/fhir/Patient", "<?xml version=\"1.1\"?>"
        + "<Patient xmlns=\"http://hl7.org/fhir\"><name><given value=\"a&#1;b\"/></name></Patient>",
        "Content-Type", "application/fhir+xml");

    assertThat(json.getIssueFirstRep().getExpression()).extracting(Object::toString)
        .containsExactly("Patient.name[0].family");
    assertThat(json.getIssueFirstRep().getDiagnostics()).contains("U+0000");
    assertThat(xml.getIssueFirstRep().getExpression()).extracting(Object::toString)
        .containsExactly("Patient.name[0].given[0]");
  }

  @Test
  void anUnknownElementIsRefused() {
    OperationOutcome outcome = http.refused(400, "POST", "/fhir/Patient",
        "{\"resourceType\":\"Patient\",\"favouriteColour\":\"green\"}");

    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("favouriteColour");
  }

  @Test
  void aCodeOutsideARequiredBindingIsRefused() {
    http.refused(400, "POST", "/fhir/Patient", "{\"resourceType\":\"Patient\",\"gender\":\"robot\"}");
  }

  @Test
  void aCodingOutsideARequiredBindingIsRefused() {
    OperationOutcome outcome = http.refused(400, "POST", "/fhir/Condition", condition("robot"));

    assertThat(outcome.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Condition.clinicalStatus");
  }

  @Test
  void aResourceMissingRequiredElementsIsRefusedWithAnIssuePerElementInJsonAndXml() {
    OperationOutcome json = http.refused(400, "POST", "/fhir/Observation", """
        {"resourceType":"Observation","subject":{"display":"someone"}}""");
    OperationOutcome xml = http.refused(400, "POST", "/fhir/Observation",
        "<Observation xmlns=\"http://hl7.org/fhir\"><code><text value=\"weight\"/></code></Observation>",
        "Content-Type", "application/fhir+xml");

    assertThat(json.getIssue()).extracting(issue -> issue.getCode().toCode() + " " + issue.getExpression().get(0))
        .containsExactly("required Observation.status", "required Observation.code");
    assertThat(json.getIssueFirstRep().getDiagnostics())
        .isEqualTo("Observation.status is required (1..1) but missing.");
    assertThat(xml.getIssue()).extracting(issue -> issue.getExpression().get(0).toString())
        .containsExactly("Observation.status");
  }

  @Test
  void aCodingInsideARequiredBindingIsAccepted() {
    assertThat(http.post("/fhir/Condition", condition("active")).status()).isEqualTo(201);
  }

  @Test
  void anInvalidDateIsRefused() {
    OperationOutcome outcome =
        http.refused(400, "POST", "/fhir/Patient", "{\"resourceType\":\"Patient\",\"birthDate\":\"1999-13-45\"}");

    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("1999-13-45");
  }

  @Test
  void aValueOfTheWrongJsonTypeIsRefused() {
    http.refused(400, "POST", "/fhir/Patient", "{\"resourceType\":\"Patient\",\"active\":\"maybe\"}");
    http.refused(400, "POST", "/fhir/Patient", "{\"resourceType\":\"Patient\",\"name\":{\"family\":\"NotAList\"}}");
  }

  @Test
  void numbersThatWouldCostMinutesToReadAreRefused() {
    String observation = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
        + "\"valueQuantity\":{\"value\":%s}}";

    http.refused(400, "POST", "/fhir/Observation", observation.formatted("1e999999999"));
    http.refused(400, "POST", "/fhir/Observation", observation.formatted("\"" + "7".repeat(300_000) + "\""));
    http.refused(400, "POST", "/fhir/Observation", """
        <Observation xmlns="http://hl7.org/fhir"><status value="final"/><code><text value="x"/></code>
        <valueQuantity><value value="1e999999999"/></valueQuantity></Observation>""",
        "Content-Type", "application/fhir+xml");
  }

  @Test
  void xmlEntitiesAreNeitherResolvedNorExpanded() {
    String xxe = """
        <?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>
        <Patient xmlns="http://hl7.org/fhir"><name><family value="&x;"/></name></Patient>""";

    http.refused(400, "POST", "/fhir/Patient", xxe, "Content-Type", "application/fhir+xml");
  }

  @Test
  void aResourceNestedDeeperThanJsonAllowsIsRefused() {
    String deep = "<Patient xmlns=\"http://hl7.org/fhir\">" + "<extension url=\"http://x\">".repeat(600)
        + "<valueString value=\"deep\"/>" + "</extension>".repeat(600) + "</Patient>";

    http.refused(400, "POST", "/fhir/Patient", deep, "Content-Type", "application/fhir+xml");
  }

  @Test
  void aByteOrderMarkBeforeTheJsonIsAccepted() {
    assertThat(http.post("/fhir/Patient", "\uFEFF{\"resourceType\":\"Patient\"}").status()).isEqualTo(201);
  }

  @Test
  void anEmptyBodyIsRefused() {
    http.refused(400, "POST", "/fhir/Patient", "");
  }

  @Test
  void aBodyOfAnUnsupportedMediaTypeIsRefused() {
    http.refused(415, "POST", "/fhir/Patient", "resourceType=Patient", "Content-Type", "text/plain");
  }

  @Test
  void aCreateOfAnUnknownResourceTypeIsNotFound() {
    http.refused(404, "POST", "/fhir/Unicorn", "{\"resourceType\":\"Unicorn\"}");
  }

  @Test
  void aPostOnAnInstanceIsNotAllowed() {
    String id = client.create().resource(patient("Posted", "p")).execute().getId().getIdPart();

    http.refused(405, "POST", "/fhir/Patient/" + id, "{\"resourceType\":\"Patient\"}");
  }

  static Patient patient(String family, String identifier) {
    Patient patient = new Patient();
    patient.addName().setFamily(family);
    patient.addIdentifier().setSystem(SYSTEM).setValue(identifier);
    return patient;
  }

  /** A Condition whose clinicalStatus, bound to a required ValueSet, has this code of the right system. */
  static String condition(String clinicalStatus) {
    return """
        {"resourceType":"Condition","subject":{"display":"A patient not stored here"},
         "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical",
                                      "code":"%s"}]}}""".formatted(clinicalStatus);
  }
}
