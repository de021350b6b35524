package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.TestServer;
import io.brazier.server.operation.ImportRequest.Input;
import io.brazier.server.operation.ImportRequest.Mode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The kick-off of a {@code $import} as a request: each way its Parameters can be wrong is a 400 that says what to fix
 * (those {@code ImportTest} does not send), the spellings it forgives, and the order in which it reads its inputs.
 */
class ImportRequestTest {
  private static final String URL = "file:///nowhere/Patient.ndjson";

  private final TestServer server = TestServer.shared();

  @Test
  void eachMalformedKickOffIsA400SayingWhatToFix() {
    assertThat(refused(parameters("", "{\"name\":\"input\",\"part\":[" + type("Patient") + "," + url(URL) + "]}")))
        .isEqualTo("$import needs inputFormat application/fhir+ndjson.");
    assertThat(refused(parameters(format("application/fhir+ndjson"), "{\"name\":\"input\",\"part\":["
        + type("Patient") + "]}"))).isEqualTo("Each input of $import needs a type and a url.");
    assertThat(refused(parameters(format("application/fhir+ndjson"), "{\"name\":\"input\",\"part\":[" + url(URL)
        + "]}"))).isEqualTo("Each input of $import needs a type and a url.");
    assertThat(refused(parameters(format("application/fhir+ndjson"), storage("aws-s3"), input())))
        .isEqualTo("The storageDetail type of $import is azure-blob, not aws-s3.");
    assertThat(server.http().refused(400, "POST", "/fhir/$import?mood=InitialLoad",
        parameters(format("application/fhir+ndjson"), input()), "Prefer", "respond-async")
        .getIssueFirstRep().getDiagnostics()).startsWith("$import has no parameter mood;");
  }

  @Test
  void aParameterOrPartGivenTwiceWithOtherValuesIsA400RatherThanTheFirstTakenSilently() {
    assertThat(refused(parameters(format("application/fhir+ndjson"), format("text/csv"), input())))
        .isEqualTo("inputFormat is given more than once: [application/fhir+ndjson, text/csv].");
    assertThat(refused(parameters(format("ndjson"), "{\"name\":\"mode\",\"valueString\":\"InitialLoad\"}",
        "{\"name\":\"mode\",\"valueString\":\"IncrementalLoad\"}", input())))
        .isEqualTo("mode is given more than once: [InitialLoad, IncrementalLoad].");
    assertThat(refused(parameters(format("ndjson"), "{\"name\":\"input\",\"part\":[" + type("Patient") + ","
        + url(URL) + "," + url("file:///nowhere/Other.ndjson") + "]}")))
        .isEqualTo("An input of $import has more than one url: [" + URL + ", file:///nowhere/Other.ndjson].");
    assertThat(refused(parameters(format("ndjson"), "{\"name\":\"input\",\"part\":[" + type("Patient") + ","
        + type("Observation") + "," + url(URL) + "]}")))
        .isEqualTo("An input of $import has more than one type: [Patient, Observation].");
  }

  @Test
  void aStorageDetailTakesOnlyATypeNamingAzureBlobAsAString() {
    assertThat(refused(parameters(format("ndjson"), "{\"name\":\"storageDetail\",\"part\":[" + type("azure-blob")
        + ",{\"name\":\"container\",\"valueString\":\"imports\"}]}", input())))
        .isEqualTo("The storageDetail of $import has no part container; it takes type (azure-blob).");
    assertThat(refused(parameters(format("ndjson"), "{\"name\":\"storageDetail\",\"part\":[{\"name\":\"type\","
        + "\"valueInteger\":1}]}", input())))
        .isEqualTo("The storageDetail type of $import is a valueString or valueCode (azure-blob), not a value of type"
            + " integer.");
    assertThat(refused(parameters(format("ndjson"), "{\"name\":\"storageDetail\",\"valueString\":\"azure-blob\"}",
        input()))).isEqualTo("The storageDetail of $import takes parts (type), not a value.");
    assertThat(refused(parameters(format("ndjson"), storage("azure-blob"), storage("azure-blob"), input())))
        .isEqualTo("$import takes one storageDetail, not 2.");
  }

  @Test
  void aStorageDetailWithoutPartsOrWithACodeTypeIsAcceptedAsMicrosoftsServerSendsIt() {
    for (String detail : List.of("{\"name\":\"storageDetail\"}", "{\"name\":\"storageDetail\",\"part\":[{\"name\":"
        + "\"type\",\"valueCode\":\"azure-blob\"}]}")) {
      assertThat(refused(parameters(format("ndjson"), detail, input()))).as(detail)
          .startsWith("The input " + URL + " is a file; set --import-dir");
    }
  }

  @Test
  void theFormatAndModeAreReadWhateverTheirCaseAndAnAzureStorageDetailIsAccepted() {
    String accepted = parameters(format(" NDJSON "), "{\"name\":\"mode\",\"valueString\":\"initialload\"}",
        storage("Azure-Blob"), input());

    // The request passed: what refuses it is the source, which this server (no --import-dir) cannot read.
    assertThat(refused(accepted)).startsWith("The input " + URL + " is a file; set --import-dir");
  }

  @Test
  void inputsAreReadSharedTypesFirstThenPatientsThenTheRestEachInTheOrderAsked() {
    ImportRequest request = request(List.of(new Input("Observation", "1", null), new Input("Patient", "2", null),
        new Input("Practitioner", "3", null), new Input("Encounter", "4", null), new Input("Patient", "5", null),
        new Input("Organization", "6", null)));

    assertThat(request.readingOrder(Set.of("Observation", "Encounter"))).containsExactly(2, 5, 1, 4, 0, 3);
  }

  @Test
  void kickOffsAreTwinsWhenTheyAskTheSameModeAndTheSameInputsInTheSameOrder() {
    Input patients = new Input("Patient", "file:///p.ndjson", null);
    Input observations = new Input("Observation", "file:///o.ndjson", "\"1\"");

    String twin = ImportRequest.twin(Mode.INCREMENTAL_LOAD, List.of(patients, observations));

    assertThat(ImportRequest.twin(Mode.INCREMENTAL_LOAD, List.of(patients, observations))).isEqualTo(twin);
    assertThat(ImportRequest.twin(Mode.INITIAL_LOAD, List.of(patients, observations))).isNotEqualTo(twin);
    assertThat(ImportRequest.twin(Mode.INCREMENTAL_LOAD, List.of(observations, patients))).isNotEqualTo(twin);
    assertThat(ImportRequest.twin(Mode.INCREMENTAL_LOAD, List.of(patients, new Input("Observation",
        "file:///o.ndjson", "\"2\"")))).isNotEqualTo(twin);
  }

  @Test
  void aRequestKeptWithItsJobReadsBackTheSameOnAnyNode() {
    ImportRequest request = request(List.of(new Input("Patient", "file:///a.ndjson", "\"0x8D\""),
        new Input("Observation", "https://host/o.ndjson", null)));

    assertThat(ImportRequest.fromJson(request.toJson())).isEqualTo(request);
  }

  private static ImportRequest request(List<Input> inputs) {
    return new ImportRequest("2026-12-06T10:00:00.000+00:00", "http://node/fhir/$import", "http://node/fhir",
        Mode.INITIAL_LOAD, inputs, null, true, false, ImportRequest.twin(Mode.INITIAL_LOAD, inputs));
  }

  private String refused(String parameters) {
    return server.http().refused(400, "POST", "/fhir/$import", parameters, "Prefer", "respond-async")
        .getIssueFirstRep().getDiagnostics();
  }

  private static String parameters(String... parameters) {
    return "{\"resourceType\":\"Parameters\",\"parameter\":[" + String.join(",",
        List.of(parameters).stream().filter(p -> !p.isEmpty()).toList()) + "]}";
  }

  private static String format(String format) {
    return "{\"name\":\"inputFormat\",\"valueString\":\"" + format + "\"}";
  }

  private static String storage(String type) {
    return "{\"name\":\"storageDetail\",\"part\":[" + type(type) + "]}";
  }

  private static String input() {
    return "{\"name\":\"input\",\"part\":[" + type("Patient") + "," + url(URL) + "]}";
  }

  private static String type(String type) {
    return "{\"name\":\"type\",\"valueString\":\"" + type + "\"}";
  }

  private static String url(String url) {
    return "{\"name\":\"url\",\"valueUri\":\"" + url + "\"}";
  }
}
