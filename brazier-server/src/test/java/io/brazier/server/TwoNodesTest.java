package io.brazier.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.testkit.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one database, sharing nothing else (each has its own pool, store, caches, change sequencer, job runner
 * and HTTP server; the second reaches the first's PostgreSQL by its JDBC URL), give the same answers whichever of
 * them wrote. The database is this class's own, so that "the first write of a key" really is the first.
 */
class TwoNodesTest {
  private static final String COLOUR = "http://brazier.test/fhir/StructureDefinition/colour";

  @TempDir
  static java.nio.file.Path dir;
  private static TestServer a;
  private static TestServer b;

  @BeforeAll
  static void start() {
    a = TestServer.start(dir, ServerConfig.defaults());
    b = a.secondNode();
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
  }

  @Test
  void aKeyFirstWrittenOnOneNodeIsFoundBySearchesOnTheOther() {
    assertThat(count(a, "Device?manufacturer=Acme")).isZero(); // node A has searched with what it knew
    String device = b.client().create().resource(new Device().setManufacturer("Acme")).execute().getId()
        .getIdPart();

    int counted = count(a, "Device?manufacturer=Acme");
    List<String> missing = ids(a, "Device?manufacturer:missing=true");
    List<String> present = ids(a, "Device?manufacturer:missing=false");

    assertThat(counted).isEqualTo(1);
    assertThat(missing).doesNotContain(device);
    assertThat(present).containsExactly(device);
  }

  @Test
  void aKeyFirstWrittenOnOneNodeIsFoundByASearchOfEveryTypeOnTheOther() {
    String tag = "t" + UUID.randomUUID();
    assertThat(ids(a, "?_tag=http://brazier.test/tag|" + tag)).isEmpty();
    Basic basic = new Basic();
    basic.getCode().setText("tagged");
    basic.getMeta().addTag("http://brazier.test/tag", tag, null);
    String id = b.client().create().resource(basic).execute().getId().getIdPart();

    List<String> found = ids(a, "?_tag=http://brazier.test/tag|" + tag);

    assertThat(found).containsExactly(id);
  }

  @Test
  void aSearchParameterCreatedOnOneNodeAppliesToWritesAndSearchesOnTheOtherUntilItIsDeleted() {
    String code = "colour-" + UUID.randomUUID().toString().substring(0, 8);
    IIdType parameter = a.client().create().resource(parameter(code)).execute().getId().toVersionless();

    awaitStatus(b, "Patient?" + code + "=red", 200);
    String written = b.client().create().resource(patient("red")).execute().getId().getIdPart();

    assertThat(ids(b, "Patient?" + code + "=red")).containsExactly(written);
    assertThat(ids(a, "Patient?" + code + "=red")).containsExactly(written);
    assertThat(patientParameters(b)).contains(code);

    a.client().delete().resourceById(parameter).execute();

    awaitStatus(b, "Patient?" + code + "=red", 400);
    assertThat(patientParameters(b)).doesNotContain(code);
  }

  @Test
  void aTransactionWithASearchParameterAndAFailingEntryRegistersNothingAnywhere() {
    String code = "rolled-back-" + UUID.randomUUID().toString().substring(0, 8);
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    transaction.addEntry().setResource(parameter(code)).getRequest().setMethod(HTTPVerb.POST)
        .setUrl("SearchParameter");
    Patient dangling = patient("blue");
    dangling.addGeneralPractitioner(new Reference("Practitioner/does-not-exist"));
    transaction.addEntry().setResource(dangling).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");

    Http.Response refused = a.http().post("/fhir", a.fhir().jsonParser().encodeResourceToString(transaction));
    // A SearchParameter committed after the refused one: once node B knows it, it has heard of all before.
    String control = "control-" + UUID.randomUUID().toString().substring(0, 8);
    a.client().create().resource(parameter(control)).execute();
    awaitStatus(b, "Patient?" + control + "=red", 200);

    assertThat(refused.status()).isEqualTo(400);
    assertThat(strictSearch(a, "Patient?" + code + "=blue").status()).isEqualTo(400);
    assertThat(strictSearch(b, "Patient?" + code + "=blue").status()).isEqualTo(400);
    assertThat(patientParameters(a)).contains(control).doesNotContain(code);
    assertThat(patientParameters(b)).contains(control).doesNotContain(code);
  }

  @Test
  void aProfileStoredOnOneNodeIsUsedByValidateOnTheOther() {
    String url = "http://brazier.test/fhir/StructureDefinition/nodes-" + UUID.randomUUID();
    Parameters request = new Parameters();
    request.addParameter().setName("resource").setResource(patient("green"));
    request.addParameter("profile", new UriType(url));
    assertThat(errors(validate(b, request))).singleElement().asString().contains("not held by this server");

    IIdType profile = a.client().create().resource(profile(url, "Patient.birthDate")).execute().getId();
    List<String> required = errors(validate(b, request));
    a.client().update().resource(profile(url, "Patient.telecom").setId(profile.getIdPart())).execute();
    List<String> changed = errors(validate(b, request));

    assertThat(required).anyMatch(error -> error.contains("Patient.birthDate"));
    assertThat(changed).anyMatch(error -> error.contains("Patient.telecom"))
        .noneMatch(error -> error.contains("Patient.birthDate"));
  }

  @Test
  void aLongPollOnOneNodeAnswersAsSoonAsTheOtherCommits() throws Exception {
    long since = a.lastChange();
    CompletableFuture<Http.Response> polled = CompletableFuture.supplyAsync(() ->
        a.http().get("/fhir/$changes?since=" + since + "&_type=Patient&_wait=60"));
    Thread.sleep(300); // the poll has found nothing and waits
    long began = System.nanoTime();

    String written = b.client().create().resource(patient("yellow")).execute().getId().getIdPart();
    Http.Response answer = polled.get(60, TimeUnit.SECONDS);

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.resource(Bundle.class).getEntry()).extracting(BundleEntryComponent::getFullUrl)
        .containsExactly(a.baseUrl() + "/Patient/" + written);
    assertThat(Duration.ofNanos(System.nanoTime() - began)).as("well before the poll's 60 s")
        .isLessThan(Duration.ofSeconds(30));
  }

  private static int count(TestServer node, String query) {
    return node.client().search().byUrl(node.baseUrl() + "/" + query + "&_summary=count").returnBundle(Bundle.class)
        .execute().getTotal();
  }

  private static List<String> ids(TestServer node, String query) {
    return node.client().search().byUrl(node.baseUrl() + "/" + query).returnBundle(Bundle.class).execute()
        .getEntry().stream()
        .map(entry -> entry.getResource().getIdElement().getIdPart()).toList();
  }

  /** A search that names an unknown parameter is a 400, rather than a search without it. */
  private static Http.Response strictSearch(TestServer node, String query) {
    return node.http().get("/fhir/" + query, "Prefer", "handling=strict");
  }

  private static void awaitStatus(TestServer node, String query, int status) {
    await(() -> strictSearch(node, query).status() == status, query + " answers " + status);
  }

  private static void await(BooleanSupplier condition, String what) {
    Eventually.until(Duration.ofSeconds(20), what, condition);
  }

  private static List<String> patientParameters(TestServer node) {
    CapabilityStatement statement = node.client().capabilities().ofType(CapabilityStatement.class).execute();
    return statement.getRestFirstRep().getResource().stream().filter(resource -> resource.getType().equals("Patient"))
        .flatMap(resource -> resource.getSearchParam().stream()).map(param -> param.getName()).toList();
  }

  private static OperationOutcome validate(TestServer node, Parameters request) {
    return node.client().operation().onType(Patient.class).named("$validate").withParameters(request)
        .returnResourceType(OperationOutcome.class).execute();
  }

  private static List<String> errors(OperationOutcome outcome) {
    return outcome.getIssue().stream().filter(issue -> issue.getSeverity() == IssueSeverity.ERROR)
        .map(issue -> issue.getDiagnostics()).toList();
  }

  private static Patient patient(String colour) {
    Patient patient = new Patient();
    patient.addExtension(COLOUR, new CodeType(colour));
    return patient;
  }

  private static SearchParameter parameter(String code) {
    SearchParameter parameter = new SearchParameter();
    parameter.setUrl("http://brazier.test/fhir/SearchParameter/" + code).setName(code).setCode(code)
        .setStatus(PublicationStatus.ACTIVE).setType(SearchParamType.TOKEN)
        .setExpression("Patient.extension('" + COLOUR + "').value").setDescription("a patient's colour");
    parameter.addBase("Patient");
    return parameter;
  }

  /** A Patient profile that makes one element required. */
  private static StructureDefinition profile(String url, String required) {
    return a.fhir().jsonParser().parseResource(StructureDefinition.class, """
        {"resourceType": "StructureDefinition", "url": "%s", "name": "RequiredElement", "status": "active",
         "kind": "resource", "abstract": false, "type": "Patient", "derivation": "constraint",
         "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Patient",
         "differential": {"element": [{"id": "%s", "path": "%s", "min": 1}]}}""".formatted(url, required, required));
  }
}
