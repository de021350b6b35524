package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.PreferReturnEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.IPatchWithBody;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import io.brazier.server.TestServer;
import io.brazier.testkit.Parallel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.Test;

class PatchTest {
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final HttpClient http = HttpClient.newHttpClient();

  // JSON Patch

  @Test
  void aJsonPatchReplacesAnElementAndWritesTheNextVersion() {
    IIdType id = create(patient("Chalmers"));

    MethodOutcome outcome = client.patch()
        .withBody("[{\"op\":\"replace\",\"path\":\"/name/0/family\",\"value\":\"Windsor\"}]")
        .withId(id.toVersionless())
        .execute();

    assertThat(outcome.getId().getVersionIdPart()).isEqualTo("2");
    assertThat(((Patient) outcome.getResource()).getNameFirstRep().getFamily()).isEqualTo("Windsor");
    Patient read = read(id);
    assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Windsor");
    assertThat(read.getMeta().getVersionId()).isEqualTo("2");
  }

  @Test
  void aJsonPatchRunsAddRemoveReplaceMoveCopyAndTestInOrder() {
    Patient patient = patient("Chalmers");
    patient.getNameFirstRep().addGiven("James");
    patient.setGender(AdministrativeGender.MALE);
    IIdType id = create(patient);

    client.patch().withBody("""
        [
          {"op":"test","path":"/name/0/given/0","value":"Peter"},
          {"op":"add","path":"/name/0/given/-","value":"Jim"},
          {"op":"move","from":"/name/0/given/0","path":"/name/0/given/-"},
          {"op":"copy","from":"/name/0","path":"/name/-"},
          {"op":"add","path":"/name/1/use","value":"nickname"},
          {"op":"remove","path":"/gender"},
          {"op":"add","path":"/active","value":true}
        ]""").withId(id.toVersionless()).execute();

    Patient read = read(id);
    assertThat(read.getName()).hasSize(2);
    assertThat(read.getName().get(0).getGiven()).extracting(StringType::getValue)
        .containsExactly("James", "Jim", "Peter");
    assertThat(read.getName().get(1).getUse()).isEqualTo(HumanName.NameUse.NICKNAME);
    assertThat(read.hasGender()).isFalse();
    assertThat(read.getActive()).isTrue();
  }

  @Test
  void aJsonPatchDecodesEscapedPointerSegments() {
    IIdType id = create(patient("Chalmers"));

    assertThatThrownBy(() -> client.patch()
        .withBody("[{\"op\":\"add\",\"path\":\"/a~1b~0c\",\"value\":1}]")
        .withId(id.toVersionless()).execute())
        .isInstanceOfSatisfying(UnprocessableEntityException.class,
            e -> assertThat(diagnostics(e)).contains("a/b~c"));
  }

  @Test
  void aJsonPatchKeepsTheDigitsOfDecimals() {
    Observation observation = new Observation();
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().addCoding(new Coding("http://loinc.org", "8302-2", "Body height"));
    observation.setValue(new Quantity().setValueElement(new DecimalType("170.50")));
    IIdType id = client.create().resource(observation).execute().getId();

    client.patch().withBody("[{\"op\":\"add\",\"path\":\"/valueQuantity/unit\",\"value\":\"cm\"}]")
        .withId(id.toVersionless()).execute();

    Observation read = client.read().resource(Observation.class).withId(id.getIdPart()).execute();
    assertThat(read.getValueQuantity().getValueElement().getValueAsString()).isEqualTo("170.50");
    assertThat(read.getValueQuantity().getValue()).isEqualByComparingTo(new BigDecimal("170.5"));
  }

  @Test
  void aFailingTestOperationIsUnprocessableAndWritesNothing() {
    IIdType id = create(patient("Chalmers"));

    assertThatThrownBy(() -> client.patch().withBody("""
        [
          {"op":"replace","path":"/name/0/family","value":"Windsor"},
          {"op":"test","path":"/name/0/family","value":"Chalmers"}
        ]""").withId(id.toVersionless()).execute())
        .isInstanceOf(UnprocessableEntityException.class);

    Patient read = read(id);
    assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Chalmers");
    assertThat(read.getMeta().getVersionId()).isEqualTo("1");
  }

  @Test
  void aJsonPatchWithAMissingPathOrThatLeavesAnInvalidResourceIsUnprocessable() {
    IIdType id = create(patient("Chalmers"));

    assertEveryPatchFails(id, UnprocessableEntityException.class, List.of(
        "[{\"op\":\"remove\",\"path\":\"/birthDate\"}]",
        "[{\"op\":\"replace\",\"path\":\"/name/5/family\",\"value\":\"X\"}]",
        "[{\"op\":\"remove\",\"path\":\"/name/family\"}]",
        "[{\"op\":\"add\",\"path\":\"/birthDate\",\"value\":\"yesterday\"}]",
        "[{\"op\":\"add\",\"path\":\"/favouriteColour\",\"value\":\"blue\"}]",
        "[{\"op\":\"add\",\"path\":\"/gender\",\"value\":\"robot\"}]"));
  }

  @Test
  void aPatchThatLeavesACodingOutsideARequiredBindingIsUnprocessable() {
    Condition condition = new Condition();
    condition.getSubject().setDisplay("A patient not stored here");
    IIdType id = client.create().resource(condition).execute().getId().toVersionless();

    assertThatThrownBy(() -> client.patch().withBody("""
        [{"op":"add","path":"/clinicalStatus","value":{"coding":[
          {"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"robot"}]}}]""")
        .withId(id).execute())
        .isInstanceOf(UnprocessableEntityException.class);
    assertThat(client.read().resource(Condition.class).withId(id).execute().getMeta().getVersionId()).isEqualTo("1");
  }

  @Test
  void aMalformedJsonPatchIsABadRequest() {
    IIdType id = create(patient("Chalmers"));

    assertEveryPatchFails(id, InvalidRequestException.class, List.of(
        "[{\"op\":\"replace\",\"path\":\"/name/0/family\"", "{\"op\":\"remove\"}",
        "[{\"op\":\"frobnicate\",\"path\":\"/name\"}]", "[{\"op\":\"remove\",\"path\":\"name\"}]",
        "[{\"op\":\"add\",\"path\":\"/active\"}]", "[{\"op\":\"move\",\"path\":\"/active\"}]",
        "[{\"op\":\"remove\",\"path\":\"/active\"}] trailing",
        "[{\"op\":\"add\",\"path\":\"/multipleBirthInteger\",\"value\":1e999999999}]"));
  }

  @Test
  void aPatchThatWritesAControlCharacterIsABadRequestNamingTheElement() {
    IIdType id = create(patient("Chalmers"));
    String jsonPatch = "[{\"op\":\"replace\",\"path\":\"/name/0/family\",\"value\":\"Tab\\tand\\u0000\"}]";
    Parameters fhirPathPatch = operationOnly("replace", "Patient.name[0].given[0]", new StringType("a\u0002b"));

    assertEveryPatchFails(id, InvalidRequestException.class, List.of(jsonPatch, fhirPathPatch));
    assertThatThrownBy(() -> client.patch().withBody(jsonPatch).withId(id.toVersionless()).execute())
        .isInstanceOfSatisfying(InvalidRequestException.class,
            e -> assertThat(diagnostics(e)).startsWith("Patient.name[0].family: ").contains("U+0000"));
    assertThatThrownBy(() -> client.patch().withFhirPatch(fhirPathPatch).withId(id.toVersionless()).execute())
        .isInstanceOfSatisfying(InvalidRequestException.class,
            e -> assertThat(diagnostics(e)).startsWith("Patient.name[0].given[0]: ").contains("U+0002"));
  }

  @Test
  void aPatchMayNotChangeTheIdOrTheResourceType() {
    IIdType id = create(patient("Chalmers"));

    assertEveryPatchFails(id, UnprocessableEntityException.class, List.of(
        "[{\"op\":\"replace\",\"path\":\"/id\",\"value\":\"another\"}]",
        "[{\"op\":\"remove\",\"path\":\"/id\"}]",
        "[{\"op\":\"replace\",\"path\":\"/resourceType\",\"value\":\"Person\"}]"));
    assertThatThrownBy(() -> client.read().resource(Patient.class).withId("another").execute())
        .isInstanceOf(ResourceNotFoundException.class);
  }

  // FHIRPath Patch

  @Test
  void aFhirPathPatchAddsReplacesAndDeletesElements() {
    Patient patient = patient("Chalmers");
    patient.addTelecom().setValue("555-0100");
    IIdType id = create(patient);
    Parameters patch = new Parameters();
    part(operation(patch, "add", "Patient", new DateType("1974-12-25")), "name", new StringType("birthDate"));
    operation(patch, "replace", "Patient.name[0].family", new StringType("Windsor"));
    operation(patch, "delete", "Patient.telecom[0]", null);
    operation(patch, "delete", "Patient.address", null);

    MethodOutcome outcome = client.patch().withFhirPatch(patch).withId(id.toVersionless()).execute();

    assertThat(outcome.getId().getVersionIdPart()).isEqualTo("2");
    Patient read = read(id);
    assertThat(read.getBirthDateElement().getValueAsString()).isEqualTo("1974-12-25");
    assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Windsor");
    assertThat(read.hasTelecom()).isFalse();
  }

  @Test
  void aFhirPathPatchInsertsAndMovesWithinAList() {
    Patient patient = patient("Chalmers");
    patient.getNameFirstRep().addGiven("James");
    IIdType id = create(patient);
    Parameters patch = new Parameters();
    part(operation(patch, "insert", "Patient.name[0].given", new StringType("Jim")), "index", new IntegerType(1));
    part(part(operation(patch, "move", "Patient.name[0].given", null), "source", new IntegerType(0)),
        "destination", new IntegerType(2));
    part(operation(patch, "insert", "Patient.identifier", new Identifier().setSystem("urn:x").setValue("first")),
        "index", new IntegerType(0));

    client.patch().withFhirPatch(patch).withId(id.toVersionless()).execute();

    Patient read = read(id);
    assertThat(read.getNameFirstRep().getGiven()).extracting(StringType::getValue)
        .containsExactly("Jim", "James", "Peter");
    assertThat(read.getIdentifierFirstRep().getValue()).isEqualTo("first");
  }

  @Test
  void aFhirPathPatchFindsElementsWithFunctionsAndBuildsBackboneElementsFromParts() {
    Patient patient = patient("Chalmers");
    patient.addIdentifier().setSystem("urn:a").setValue("1");
    patient.addIdentifier().setSystem("urn:b").setValue("2");
    IIdType id = create(patient);
    Parameters patch = new Parameters();
    operation(patch, "replace", "Patient.identifier.where(system='urn:b').value", new StringType("22"));
    operation(patch, "delete", "Patient.identifier.where(system='urn:a')", null);
    ParametersParameterComponent contact = operation(patch, "add", "Patient", null);
    contact.addPart().setName("name").setValue(new StringType("contact"));
    ParametersParameterComponent value = contact.addPart().setName("value");
    value.addPart().setName("name").setValue(new HumanName().setFamily("Chalmers").addGiven("Mary"));
    value.addPart().setName("gender").setValue(new CodeType("female"));

    client.patch().withFhirPatch(patch).withId(id.toVersionless()).execute();

    Patient read = read(id);
    assertThat(read.getIdentifier()).extracting(Identifier::getValue).containsExactly("22");
    assertThat(read.getContactFirstRep().getName().getGivenAsSingleString()).isEqualTo("Mary");
    assertThat(read.getContactFirstRep().getGender().toCode()).isEqualTo("female");
  }

  @Test
  void aFhirPathPatchInXmlIsAppliedAndAnsweredInXml() throws Exception {
    IIdType id = create(patient("Chalmers"));
    String patch = """
        <Parameters xmlns="http://hl7.org/fhir">
          <parameter>
            <name value="operation"/>
            <part><name value="type"/><valueCode value="replace"/></part>
            <part><name value="path"/><valueString value="Patient.name.family"/></part>
            <part><name value="value"/><valueString value="Windsor"/></part>
          </parameter>
        </Parameters>""";

    HttpResponse<String> response = send("PATCH", "/Patient/" + id.getIdPart(), "application/fhir+xml", patch);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/fhir+xml"));
    assertThat(response.body()).contains("<family value=\"Windsor\"/>");
    assertThat(response.headers().firstValue("ETag")).hasValue("W/\"2\"");
    assertThat(response.headers().firstValue("Location")).hasValueSatisfying(
        location -> assertThat(location).endsWith("/Patient/" + id.getIdPart() + "/_history/2"));
  }

  @Test
  void aMalformedFhirPathPatchIsABadRequest() {
    IIdType id = create(patient("Chalmers"));
    List<Parameters> patches = new ArrayList<>();
    patches.add(operationOnly("frobnicate", "Patient.name", new StringType("x")));
    patches.add(operationOnly("replace", "Patient.name", null));
    patches.add(operationOnly("replace", "Patient.name.where(", new StringType("x")));
    patches.add(operationOnly("delete", "(".repeat(5000) + "Patient.name" + ")".repeat(5000), null));
    patches.add(operationOnly("insert", "Patient.name.given", new StringType("x")));
    Parameters wrongParameter = new Parameters();
    wrongParameter.addParameter().setName("op").setValue(new StringType("x"));
    patches.add(wrongParameter);
    Parameters textIndex = operationOnly("insert", "Patient.name.given", new StringType("x"));
    textIndex.getParameterFirstRep().addPart().setName("index").setValue(new StringType("0"));
    patches.add(textIndex);

    assertEveryPatchFails(id, InvalidRequestException.class, patches);
  }

  @Test
  void aFhirPathPatchThatCannotApplyIsUnprocessableAndWritesNothing() {
    Patient patient = patient("Chalmers");
    patient.addName().setFamily("Second");
    patient.setBirthDateElement(new DateType("1974-12-25"));
    patient.setActive(true);
    IIdType id = create(patient);
    List<Parameters> patches = new ArrayList<>();
    patches.add(operationOnly("replace", "Patient.telecom", new StringType("x")));
    patches.add(operationOnly("replace", "Patient.name.family", new StringType("x")));
    patches.add(operationOnly("replace", "Patient.birthDate", new StringType("not a date")));
    patches.add(operationOnly("replace", "Patient.active", new StringType("yes")));
    patches.add(operationOnly("delete", "Patient.name", null));
    patches.add(operationOnly("replace", "Patient.managingOrganization.resolve().name", new StringType("x")));
    patches.add(operationOnly("replace", "Patient.name[0].family | Patient.birthDate", new StringType("x")));
    Parameters moveOperator = operationOnly("move", "Patient.name | Patient.address", null);
    part(part(moveOperator.getParameterFirstRep(), "source", new IntegerType(0)), "destination", new IntegerType(1));
    patches.add(moveOperator);
    Parameters twice = operationOnly("add", "Patient", new DateType("2000-01-01"));
    twice.getParameterFirstRep().addPart().setName("name").setValue(new StringType("birthDate"));
    patches.add(twice);
    Parameters unknown = operationOnly("add", "Patient", new StringType("blue"));
    unknown.getParameterFirstRep().addPart().setName("name").setValue(new StringType("favouriteColour"));
    patches.add(unknown);
    Parameters outOfRange = operationOnly("insert", "Patient.name", new HumanName().setFamily("Third"));
    outOfRange.getParameterFirstRep().addPart().setName("index").setValue(new IntegerType(3));
    patches.add(outOfRange);
    Parameters lastFails = operationOnly("replace", "Patient.name[0].family", new StringType("Windsor"));
    lastFails.addParameter(operationOnly("replace", "Patient.gender", new StringType("x")).getParameterFirstRep());
    patches.add(lastFails);

    assertEveryPatchFails(id, UnprocessableEntityException.class, patches);
    assertThat(read(id).getNameFirstRep().getFamily()).isEqualTo("Chalmers");
  }

  @Test
  void aFhirPathPatchMayNotChangeTheId() {
    IIdType id = create(patient("Chalmers"));

    assertThatThrownBy(() -> client.patch()
        .withFhirPatch(operationOnly("replace", "Patient.id", new IdType("another")))
        .withId(id.toVersionless()).execute())
        .isInstanceOf(UnprocessableEntityException.class);

    assertThat(read(id).getMeta().getVersionId()).isEqualTo("1");
  }

  @Test
  void aBodyThatIsNeitherPatchFormatIsABadRequest() {
    IIdType id = create(patient("Chalmers"));

    HttpResponse<String> resource = send("PATCH", "/Patient/" + id.getIdPart(), "application/fhir+json",
        "{\"resourceType\":\"Patient\",\"active\":true}");
    HttpResponse<String> empty = send("PATCH", "/Patient/" + id.getIdPart(), "application/json-patch+json", "");

    assertThat(resource.statusCode()).isEqualTo(400);
    assertThat(resource.body()).contains("OperationOutcome");
    assertThat(empty.statusCode()).isEqualTo(400);
  }

  @Test
  void aBodySentAgainIsReadAgainAsItsContentTypeSays() {
    // The server reads a body once for the requests that send it (a $bulk-update's), never for another Content-Type.
    IIdType first = create(patient("Chalmers"));
    IIdType second = create(patient("Jones"));
    String body = fhirJson(operationOnly("replace", "Patient.name.family", new StringType("Windsor")));

    HttpResponse<String> patchedFirst = send("PATCH", "/Patient/" + first.getIdPart(), "application/fhir+json", body);
    HttpResponse<String> patchedSecond = send("PATCH", "/Patient/" + second.getIdPart(), "application/fhir+json", body);
    HttpResponse<String> asJsonPatch = send("PATCH", "/Patient/" + first.getIdPart(), "application/json-patch+json",
        body);

    assertThat(patchedFirst.statusCode()).isEqualTo(200);
    assertThat(patchedSecond.statusCode()).isEqualTo(200);
    assertThat(read(first).getNameFirstRep().getFamily()).isEqualTo("Windsor");
    assertThat(read(second).getNameFirstRep().getFamily()).isEqualTo("Windsor");
    assertThat(asJsonPatch.statusCode()).isEqualTo(400);
    assertThat(asJsonPatch.body()).contains("OperationOutcome");
    assertThat(read(first).getMeta().getVersionId()).isEqualTo("2");
  }

  // The interaction around the patch

  @Test
  void anUnsupportedPatchFormatIsUnsupportedMediaType() {
    IIdType id = create(patient("Chalmers"));

    HttpResponse<String> text = send("PATCH", "/Patient/" + id.getIdPart(), "text/plain", "active=false");
    assertThatThrownBy(() -> client.patch().withBody("<diff><remove sel=\"Patient/active\"/></diff>")
        .withId(id.toVersionless()).execute())
        .isInstanceOfSatisfying(BaseServerResponseException.class, e -> assertThat(e.getStatusCode()).isEqualTo(415));

    assertThat(text.statusCode()).isEqualTo(415);
    assertThat(text.body()).contains("OperationOutcome");
    assertThat(read(id).getMeta().getVersionId()).isEqualTo("1");
  }

  @Test
  void patchOfAnUnknownResourceIsNotFoundAndOfADeletedOneIsGone() {
    IIdType id = create(patient("Gone"));
    client.delete().resourceById(id.toVersionless()).execute();
    String patch = "[{\"op\":\"add\",\"path\":\"/active\",\"value\":true}]";

    assertThatThrownBy(() -> client.patch().withBody(patch).withId("Patient/no-such-patient").execute())
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> client.patch().withBody(patch).withId(id.toVersionless()).execute())
        .isInstanceOf(ResourceGoneException.class);
    assertThatThrownBy(() -> client.patch().withBody(patch).withId(id.toVersionless())
        .withAdditionalHeader("If-Match", "W/\"1\"").execute())
        .isInstanceOf(ResourceGoneException.class);
  }

  @Test
  void ifMatchAnyAppliesThePatchToWhateverVersionExists() {
    IIdType id = create(patient("Anyone"));
    client.update().resource(patient("Anyone else").setId(id.toVersionless())).execute();

    client.patch().withBody("[{\"op\":\"add\",\"path\":\"/active\",\"value\":true}]").withId(id.toVersionless())
        .withAdditionalHeader("If-Match", "*").execute();

    Patient read = read(id);
    assertThat(read.getActive()).isTrue();
    assertThat(read.getMeta().getVersionId()).isEqualTo("3");
  }

  @Test
  void ifMatchAppliesThePatchOnlyToTheNamedVersion() {
    IIdType id = create(patient("Chalmers"));
    client.patch().withBody("[{\"op\":\"add\",\"path\":\"/active\",\"value\":true}]").withId(id.toVersionless())
        .withAdditionalHeader("If-Match", "W/\"1\"").execute();

    assertThatThrownBy(() -> client.patch().withBody("[{\"op\":\"replace\",\"path\":\"/active\",\"value\":false}]")
        .withId(id.toVersionless()).withAdditionalHeader("If-Match", "W/\"1\"").execute())
        .isInstanceOf(PreconditionFailedException.class);

    Patient read = read(id);
    assertThat(read.getActive()).isTrue();
    assertThat(read.getMeta().getVersionId()).isEqualTo("2");
  }

  @Test
  void aConditionalPatchPatchesTheOneMatch() {
    String system = "urn:test:" + UUID.randomUUID();
    Patient patient = patient("Chalmers");
    patient.addIdentifier().setSystem(system).setValue("1");
    IIdType id = create(patient);

    MethodOutcome outcome = client.patch().withBody("[{\"op\":\"add\",\"path\":\"/active\",\"value\":true}]")
        .conditionalByUrl("Patient?identifier=" + system + "|1").execute();

    assertThat(outcome.getId().getIdPart()).isEqualTo(id.getIdPart());
    assertThat(read(id).getActive()).isTrue();
  }

  @Test
  void aConditionalPatchWithoutAMatchIsNotFoundAndWithTwoIsAPreconditionFailure() {
    String system = "urn:test:" + UUID.randomUUID();
    for (int i = 0; i < 2; i++) {
      Patient patient = patient("Twin");
      patient.addIdentifier().setSystem(system).setValue("twin");
      create(patient);
    }
    String patch = "[{\"op\":\"add\",\"path\":\"/active\",\"value\":true}]";

    assertThatThrownBy(() -> client.patch().withBody(patch)
        .conditionalByUrl("Patient?identifier=" + system + "|nobody").execute())
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> client.patch().withBody(patch)
        .conditionalByUrl("Patient?identifier=" + system + "|twin").execute())
        .isInstanceOf(PreconditionFailedException.class);
  }

  @Test
  void preferDecidesTheBodyOfTheAnswer() {
    IIdType id = create(patient("Chalmers"));
    String patch = "[{\"op\":\"add\",\"path\":\"/active\",\"value\":true}]";

    MethodOutcome minimal = client.patch().withBody(patch).withId(id.toVersionless())
        .prefer(PreferReturnEnum.MINIMAL).execute();
    MethodOutcome outcome = client.patch().withBody(patch).withId(id.toVersionless())
        .prefer(PreferReturnEnum.OPERATION_OUTCOME).execute();

    assertThat(minimal.getResource()).isNull();
    assertThat(minimal.getId().getVersionIdPart()).isEqualTo("2");
    assertThat(outcome.getOperationOutcome()).isInstanceOf(OperationOutcome.class);
  }

  @Test
  void concurrentPatchesWithoutIfMatchAreAllKept() throws Exception {
    Patient patient = patient("Chalmers");
    patient.addIdentifier().setSystem("urn:t").setValue("first");
    IIdType id = create(patient);
    int threads = 4;
    int each = 5;
    server.overlap().reset();

    Parallel.run(threads, each, (thread, i) -> client.patch()
        .withBody("[{\"op\":\"add\",\"path\":\"/identifier/-\",\"value\":{\"system\":\"urn:t\",\"value\":\""
            + thread + "-" + i + "\"}}]")
        .withId(id.toVersionless()).execute());

    assertThat(server.overlap().mostAtOnce()).as("patches the server ran at once").isGreaterThan(1);
    Patient read = read(id);
    assertThat(read.getIdentifier()).hasSize(1 + threads * each);
    assertThat(read.getMeta().getVersionId()).isEqualTo(Integer.toString(1 + threads * each));
  }

  /** Each patch, a JSON Patch string or a FHIRPath Patch, fails with an OperationOutcome and writes nothing. */
  private void assertEveryPatchFails(IIdType id, Class<? extends BaseServerResponseException> failure,
      List<?> patches) {
    for (Object patch : patches) {
      IPatchWithBody request = patch instanceof Parameters parameters ? client.patch().withFhirPatch(parameters)
          : client.patch().withBody((String) patch);
      assertThatThrownBy(() -> request.withId(id.toVersionless()).execute())
          .as(patch instanceof Parameters parameters ? fhirJson(parameters) : patch.toString())
          .isInstanceOfSatisfying(failure, e -> assertThat(e.getOperationOutcome()).isNotNull());
    }
    assertThat(read(id).getMeta().getVersionId()).as("versions after rejected patches").isEqualTo("1");
  }

  private String fhirJson(Parameters parameters) {
    return client.getFhirContext().newJsonParser().encodeResourceToString(parameters);
  }

  private IIdType create(Patient patient) {
    return client.create().resource(patient).execute().getId();
  }

  private Patient read(IIdType id) {
    return client.read().resource(Patient.class).withId(id.getIdPart()).execute();
  }

  private static Patient patient(String family) {
    Patient patient = new Patient();
    patient.addName().setFamily(family).addGiven("Peter");
    return patient;
  }

  private static ParametersParameterComponent operation(Parameters patch, String type, String path, Type value) {
    ParametersParameterComponent operation = patch.addParameter().setName("operation");
    operation.addPart().setName("type").setValue(new CodeType(type));
    operation.addPart().setName("path").setValue(new StringType(path));
    if (value != null) {
      operation.addPart().setName("value").setValue(value);
    }
    return operation;
  }

  private static ParametersParameterComponent part(ParametersParameterComponent operation, String name, Type value) {
    operation.addPart().setName(name).setValue(value);
    return operation;
  }

  private static Parameters operationOnly(String type, String path, Type value) {
    Parameters patch = new Parameters();
    operation(patch, type, path, value);
    return patch;
  }

  private static String diagnostics(BaseServerResponseException e) {
    return ((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep().getDiagnostics();
  }

  private HttpResponse<String> send(String method, String path, String contentType, String body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
        .method(method, HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", contentType)
        .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
