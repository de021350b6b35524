package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.server.TestServer;
import io.brazier.testkit.Parallel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.StructureDefinition.StructureDefinitionKind;
import org.hl7.fhir.r4.model.StructureDefinition.TypeDerivationRule;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.Test;

public class ValidateTest {
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();

  @Test
  void aValidResourceGivesAnOutcomeWithoutErrors() {
    MethodOutcome outcome = client.validate().resource(patient()).execute();

    assertThat(outcome.getResponseStatusCode()).isEqualTo(200);
    assertThat(errors((OperationOutcome) outcome.getOperationOutcome())).isEmpty();
  }

  @Test
  void anInvalidResourceIsStill200WithErrorIssues() {
    Observation observation = new Observation();
    observation.setValue(new StringType("no status, no code"));

    MethodOutcome outcome = client.validate().resource(observation).execute();

    assertThat(outcome.getResponseStatusCode()).isEqualTo(200);
    assertThat(errors((OperationOutcome) outcome.getOperationOutcome()))
        .anyMatch(diagnostics -> diagnostics.contains("Observation.status"))
        .anyMatch(diagnostics -> diagnostics.contains("Observation.code"));
  }

  @Test
  void aControlCharacterThatAWriteWouldRefuseIsAnErrorNamingTheElement() {
    Patient patient = patient();
    patient.getNameFirstRep().setFamily("Nul\u0000Byte");

    MethodOutcome outcome = client.validate().resource(patient).execute();

    assertThat(errors((OperationOutcome) outcome.getOperationOutcome()))
        .anyMatch(diagnostics -> diagnostics.startsWith("Patient.name[0].family: ") && diagnostics.contains("U+0000"));
  }

  @Test
  void unknownElementsAndCodesOutsideARequiredBindingAreReportedNotRejected() throws Exception {
    String body = "{\"resourceType\":\"Patient\",\"gender\":\"robot\",\"nickname\":\"Rob\"}";

    HttpResponse<String> response = post("/Patient/$validate", "application/fhir+json", body);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(errors(parse(response))).anyMatch(d -> d.contains("robot")).anyMatch(d -> d.contains("nickname"));
  }

  @Test
  void aResourceInsideParametersIsReportedWithWhatTheParserDropped() throws Exception {
    String body = """
        {"resourceType":"Parameters","parameter":[{"name":"resource","resource":
          {"resourceType":"Patient","nickname":"Rob"}}]}""";

    HttpResponse<String> response = post("/Patient/$validate", "application/fhir+json", body);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(errors(parse(response))).anyMatch(d -> d.contains("nickname"));
  }

  @Test
  void valuesOfTheWrongJsonTypeAreErrorsAsAWriteRefusesThem() throws Exception {
    String patient = "{\"resourceType\":\"Patient\",\"id\":\"typed\",\"active\":\"true\","
        + "\"multipleBirthInteger\":\"2\"}";
    String inParameters = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"resource\","
        + "\"resource\":" + patient + "}]}";

    HttpResponse<String> create = post("/Patient", "application/fhir+json", patient);
    List<HttpResponse<String>> validations = List.of(post("/Patient/$validate", "application/fhir+json", patient),
        post("/$validate", "application/fhir+json", patient),
        post("/Patient/$validate", "application/fhir+json", inParameters),
        post("/Patient/typed/$validate", "application/fhir+json", patient),
        post("/Patient/typed/$validate", "application/fhir+json", inParameters));

    assertThat(create.statusCode()).isEqualTo(400);
    OperationOutcomeIssueComponent refused = parse(create).getIssueFirstRep();
    assertThat(refused.getCode()).isEqualTo(OperationOutcome.IssueType.STRUCTURE);
    assertThat(validations).allSatisfy(response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      List<OperationOutcomeIssueComponent> issues = parse(response).getIssue();
      assertThat(issues).anySatisfy(issue -> {
        assertThat(issue.getSeverity()).isEqualTo(IssueSeverity.ERROR);
        assertThat(issue.getCode()).isEqualTo(refused.getCode());
        assertThat(issue.getDiagnostics()).isEqualTo(refused.getDiagnostics());
      });
      assertThat(errors(parse(response)))
          .anyMatch(d -> d.contains("'Patient.active' is a JSON string but must be a boolean"))
          .anyMatch(d -> d.contains("'Patient.multipleBirthInteger' is a JSON string but must be a number"));
    });
  }

  @Test
  void xmlIsValidatedAndAnsweredInXml() throws Exception {
    String body = "<Patient xmlns=\"http://hl7.org/fhir\"><gender value=\"robot\"/></Patient>";

    HttpResponse<String> response = post("/Patient/$validate", "application/fhir+xml", body);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).startsWith("<OperationOutcome");
    assertThat(errors(parse(response))).anyMatch(d -> d.contains("robot"));
  }

  @Test
  void theStoredResourceIsValidatedWhenTheRequestCarriesNone() {
    IIdType id = client.create().resource(patient()).execute().getId();

    OperationOutcome outcome = client.operation().onInstance(id.toVersionless()).named("$validate")
        .withNoParameters(Parameters.class).useHttpGet().returnResourceType(OperationOutcome.class).execute();

    assertThat(errors(outcome)).isEmpty();
  }

  @Test
  void anUnknownResourceTypeIsNotFound() throws Exception {
    HttpResponse<String> response = post("/Unicorn/$validate", "application/fhir+json",
        "{\"resourceType\":\"Patient\"}");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("OperationOutcome").contains("Unicorn");
  }

  @Test
  void aBodyThatIsNotAResourceIsABadRequest() throws Exception {
    HttpResponse<String> response = post("/Patient/$validate", "application/fhir+json", "{\"resourceType\":");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("OperationOutcome");
  }

  @Test
  void aResourceOfAnotherTypeThanTheUrlIsABadRequest() {
    assertThatThrownBy(() -> client.operation().onType(Observation.class).named("$validate")
        .withParameter(Parameters.class, "resource", patient()).returnResourceType(OperationOutcome.class).execute())
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("Observation");
  }

  @Test
  void systemLevelValidateTakesTheTypeOfTheBody() throws Exception {
    String valid = "{\"resourceType\":\"Patient\",\"active\":true}";
    String invalid = "{\"resourceType\":\"Observation\",\"valueString\":\"no status\"}";

    HttpResponse<String> patient = post("/$validate", "application/json", valid);
    HttpResponse<String> observation = post("/$validate", "application/fhir+json", invalid);
    HttpResponse<String> empty = post("/$validate", "application/fhir+json", "{\"resourceType\":\"Parameters\"}");

    assertThat(patient.statusCode()).isEqualTo(200);
    assertThat(errors(server.fhir().jsonParser().parseResource(OperationOutcome.class, patient.body()))).isEmpty();
    assertThat(observation.statusCode()).isEqualTo(200);
    assertThat(observation.body()).contains("Observation.status");
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.body()).contains("needs a resource");
  }

  @Test
  void typeLevelValidateWithoutAResourceIsABadRequest() {
    assertThatThrownBy(() -> client.operation().onType(Patient.class).named("$validate")
        .withParameter(Parameters.class, "mode", new CodeType("create"))
        .returnResourceType(OperationOutcome.class).execute())
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("needs a resource");
  }

  @Test
  void anUnknownParameterOrModeIsABadRequest() {
    assertThatThrownBy(() -> validate(new Parameters().addParameter("strictness", "high")))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("strictness");
    assertThatThrownBy(() -> validate(withResource(patient()).addParameter("mode", new CodeType("upsert"))))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("upsert");
  }

  @Test
  void modeDeleteChecksOnlyThatTheResourceExists() {
    IIdType id = client.create().resource(patient()).execute().getId().toVersionless();

    OperationOutcome outcome = client.operation().onInstance(id).named("$validate")
        .withParameter(Parameters.class, "mode", new CodeType("delete")).useHttpGet()
        .returnResourceType(OperationOutcome.class).execute();

    assertThat(errors(outcome)).isEmpty();
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("may be deleted");
    assertThatThrownBy(() -> client.operation().onInstance(new IdType("Patient", "no-such-patient"))
        .named("$validate").withParameter(Parameters.class, "mode", new CodeType("delete")).useHttpGet()
        .returnResourceType(OperationOutcome.class).execute())
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void modeUpdateNeedsTheIdOfTheUrl() {
    Patient patient = patient();
    patient.setId("someone-else");

    OperationOutcome outcome = client.operation().onInstance(new IdType("Patient", "me")).named("$validate")
        .withParameters(withResource(patient).addParameter("mode", new CodeType("update")))
        .returnResourceType(OperationOutcome.class).execute();

    assertThat(errors(outcome)).anyMatch(d -> d.contains("someone-else"));
  }

  @Test
  void aRequestedProfileUnknownToTheServerIsAnError() {
    String url = "http://brazier.test/fhir/StructureDefinition/unknown-" + UUID.randomUUID();

    OperationOutcome outcome = validate(withResource(patient()).addParameter("profile", new UriType(url)));

    assertThat(errors(outcome)).anyMatch(diagnostics -> diagnostics.contains(url));
  }

  @Test
  void aProfileMayAlsoBeRequestedInTheQuery() throws Exception {
    String url = "http://brazier.test/fhir/StructureDefinition/unknown-" + UUID.randomUUID();

    HttpResponse<String> response = post("/Patient/$validate?profile=" + url, "application/fhir+json",
        "{\"resourceType\":\"Patient\",\"active\":true}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(errors(parse(response))).anyMatch(diagnostics -> diagnostics.contains(url));
  }

  @Test
  void profilesNamedInMetaButNotHeldAreWarningsNotErrors() {
    Patient patient = patient();
    patient.getMeta().addProfile("http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient");

    OperationOutcome outcome = validate(withResource(patient));

    assertThat(errors(outcome)).isEmpty();
    assertThat(outcome.getIssue()).anyMatch(issue -> issue.getDiagnostics().contains("us-core-patient"));
  }

  @Test
  void aProfileStoredInTheServerTakesEffectRightAfterItIsCreatedOrUpdated() {
    String url = "http://brazier.test/fhir/StructureDefinition/patient-with-birthdate-" + UUID.randomUUID();
    Parameters request = withResource(patient()).addParameter("profile", new UriType(url));
    assertThat(errors(validate(request))).containsExactly(
        "Profile " + url + " is not held by this server, so the resource was not checked against it:"
            + " create its StructureDefinition first.");

    StructureDefinition profile = profile(url, "Patient.birthDate");
    IIdType id = client.create().resource(profile).execute().getId();

    assertThat(errors(validate(request))).anyMatch(d -> d.contains("Patient.birthDate"));

    profile = profile(url, "Patient.telecom");
    profile.setId(id.getIdPart());
    client.update().resource(profile).execute();

    assertThat(errors(validate(request))).anyMatch(d -> d.contains("Patient.telecom"))
        .noneMatch(d -> d.contains("Patient.birthDate"));
  }

  @Test
  void concurrentValidationsWhileTheirProfileChangesAllAnswer() throws Exception {
    String url = "http://brazier.test/fhir/StructureDefinition/patient-concurrent-" + UUID.randomUUID();
    IIdType id = client.create().resource(profile(url, "Patient.birthDate")).execute().getId();
    Parameters request = withResource(patient()).addParameter("profile", new UriType(url));
    server.overlap().reset();

    // The first thread changes the profile before each of its validations, while the others validate.
    List<OperationOutcome> outcomes = Parallel.run(4, 4, (thread, i) -> {
      if (thread == 0) {
        StructureDefinition changed = profile(url, i % 2 == 0 ? "Patient.telecom" : "Patient.birthDate");
        changed.setId(id.getIdPart());
        client.update().resource(changed).execute();
      }
      return validate(request);
    }).results();

    assertThat(server.overlap().mostAtOnce()).as("validations and updates the server ran at once").isGreaterThan(1);
    assertThat(outcomes).hasSize(16).allSatisfy(outcome -> assertThat(errors(outcome)).hasSize(1));
    assertThat(errors(validate(request))).anyMatch(d -> d.contains("Patient.birthDate"));
  }

  private OperationOutcome validate(Parameters parameters) {
    return client.operation().onType(Patient.class).named("$validate").withParameters(parameters)
        .returnResourceType(OperationOutcome.class).execute();
  }

  static Parameters withResource(Patient patient) {
    Parameters parameters = new Parameters();
    parameters.addParameter().setName("resource").setResource(patient);
    return parameters;
  }

  static Patient patient() {
    Patient patient = new Patient();
    patient.addName().setFamily("Validated").addGiven("Vera");
    patient.setGender(AdministrativeGender.FEMALE);
    return patient;
  }

  /** A Patient profile that makes one element required. */
  public static StructureDefinition profile(String url, String required) {
    StructureDefinition profile = new StructureDefinition();
    profile.setUrl(url).setName("PatientProfile").setStatus(PublicationStatus.ACTIVE)
        .setKind(StructureDefinitionKind.RESOURCE).setAbstract(false).setType("Patient")
        .setBaseDefinition("http://hl7.org/fhir/StructureDefinition/Patient")
        .setDerivation(TypeDerivationRule.CONSTRAINT);
    profile.getDifferential().addElement().setPath(required).setMin(1).setId(required);
    return profile;
  }

  public static List<String> errors(OperationOutcome outcome) {
    return outcome.getIssue().stream()
        .filter(issue -> issue.getSeverity() == IssueSeverity.ERROR || issue.getSeverity() == IssueSeverity.FATAL)
        .map(OperationOutcomeIssueComponent::getDiagnostics)
        .toList();
  }

  private OperationOutcome parse(HttpResponse<String> response) {
    FhirContext context = server.fhir().context();
    IParser parser = response.body().startsWith("<") ? context.newXmlParser() : context.newJsonParser();
    return parser.parseResource(OperationOutcome.class, response.body());
  }

  private HttpResponse<String> post(String path, String contentType, String body)
      throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }
}
