package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.FhirRequest;
import io.brazier.server.Http;
import io.brazier.server.Interceptor;
import io.brazier.server.Restriction;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceOperationComponent;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * $member-match (Da Vinci HRex) against stored patients and coverages: one member by demographics and member number
 * or subscriber id, 422 for none or several, 400 for input that is not the operation's.
 */
class MemberMatchTest {
  private static final String TYPES = "http://terminology.hl7.org/CodeSystem/v2-0203";
  private static final String MEMBERS = "http://example.org/payer/members";
  private static TestServer server;
  private final String family = "Person" + UUID.randomUUID().toString().substring(0, 8);
  private final String memberNumber = "MB-" + UUID.randomUUID();
  private final String subscriberId = "SUB-" + UUID.randomUUID();

  /** A server where a request with {@code X-Patient} reaches only that patient's compartment. */
  @BeforeAll
  static void start() {
    server = TestServer.onSharedStore(ServerConfig.defaults(), List.of(new Interceptor() {
      @Override
      public FhirRequest before(FhirRequest request) {
        String patient = request.header("X-Patient");
        return patient == null ? request : request.withRestriction(Restriction.within("Patient", List.of(patient)));
      }
    }));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theGenericClientGetsTheMembersNumberAndReferenceByMemberNumber() {
    String id = member(family, "1974-12-25", memberNumber, subscriberId);
    member(family, "1980-01-01", "MB-" + UUID.randomUUID(), subscriberId); // another birth date

    Parameters out = client().operation().onType(Patient.class).named("$member-match")
        .withParameters(request(demographics(family, "1974-12-25"), coverageToMatch(memberNumber, null)))
        .execute();

    Identifier identifier = (Identifier) out.getParameter("MemberIdentifier").getValue();
    assertThat(identifier.getSystem()).isEqualTo(MEMBERS);
    assertThat(identifier.getValue()).isEqualTo("member-" + memberNumber);
    assertThat(identifier.getType().hasCoding(TYPES, "MB")).isTrue();
    assertThat(((Reference) out.getParameter("MemberId").getValue()).getReference()).isEqualTo("Patient/" + id);
  }

  @Test
  void aSubscriberIdAloneMatchesAlongWithOptionalCoverageToLinkAndConsent() {
    String id = member(family, "1974-12-25", memberNumber, subscriberId);
    member(family, "1974-12-25", "MB-" + UUID.randomUUID(), "SUB-other"); // a twin with another subscriber id
    Parameters in = request(demographics(family, "1974-12-25"), coverageToMatch(null, subscriberId));
    in.addParameter().setName("CoverageToLink").setResource(coverageToMatch("new-plan-1", null));
    in.addParameter().setName("Consent").setResource(new Consent().setStatus(Consent.ConsentState.ACTIVE));

    Parameters out = client().operation().onType(Patient.class).named("$member-match").withParameters(in)
        .execute();

    assertThat(((Reference) out.getParameter("MemberId").getValue()).getReference()).isEqualTo("Patient/" + id);
  }

  @Test
  void noMatchIsA422() {
    member(family, "1974-12-25", memberNumber, subscriberId);

    OperationOutcome wrongBirthDate = refused(422, request(demographics(family, "1974-12-26"),
        coverageToMatch(memberNumber, null)));
    OperationOutcome wrongSubscriber = refused(422, request(demographics(family, "1974-12-25"),
        coverageToMatch(memberNumber, "SUB-other")));

    assertThat(wrongBirthDate.getIssueFirstRep().getCode()).isEqualTo(IssueType.NOTFOUND);
    assertThat(wrongSubscriber.getIssueFirstRep().getCode()).isEqualTo(IssueType.NOTFOUND);
  }

  @Test
  void twoMembersThatBothMatchAreA422() {
    member(family, "1974-12-25", memberNumber, subscriberId);
    member(family, "1974-12-25", "MB-" + UUID.randomUUID(), subscriberId);

    OperationOutcome outcome = refused(422, request(demographics(family, "1974-12-25"),
        coverageToMatch(null, subscriberId)));

    assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(IssueType.MULTIPLEMATCHES);
  }

  @Test
  void aMatchWithoutAMemberNumberIsA422() {
    Patient patient = demographics(family, "1974-12-25");
    String id = create(patient);
    create(coverage(id, memberNumber, subscriberId));

    refused(422, request(demographics(family, "1974-12-25"), coverageToMatch(memberNumber, null)));
  }

  @Test
  void aMemberOutsideTheCallersReachIsNotFound() {
    String id = member(family, "1974-12-25", memberNumber, subscriberId);
    String other = create(new Patient().setActive(true));
    Parameters in = request(demographics(family, "1974-12-25"), coverageToMatch(memberNumber, null));

    refused(422, in, "X-Patient", other);
    Http.Response own = server.http().post("/fhir/Patient/$member-match", json(in), "X-Patient", id);

    assertThat(own.status()).as(own.body()).isEqualTo(200);
  }

  @Test
  void inputThatIsNotTheOperationsIsA400() {
    Patient member = demographics(family, "1974-12-25");
    Coverage toMatch = coverageToMatch(memberNumber, null);
    Parameters twoPatients = request(member, toMatch);
    twoPatients.addParameter().setName("MemberPatient").setResource(member);
    Parameters unknown = request(member, toMatch);
    unknown.addParameter("Extra", new StringType("x"));

    refused(400, new Parameters().addParameter(new Parameters.ParametersParameterComponent()
        .setName("MemberPatient").setResource(member)));
    refused(400, request(member, new Coverage()));
    refused(400, request(new Patient().setBirthDateElement(new DateType("1974-12-25")), toMatch));
    refused(400, twoPatients);
    refused(400, unknown);
    Parameters notAPatient = new Parameters();
    notAPatient.addParameter().setName("MemberPatient").setResource(toMatch);
    notAPatient.addParameter().setName("CoverageToMatch").setResource(toMatch);
    refused(400, notAPatient);
    server.http().refused(400, "POST", "/fhir/Patient/$member-match", json(member));
    server.http().refused(405, "GET", "/fhir/Patient/$member-match", (byte[]) null);
  }

  @Test
  void theCapabilityStatementListsItOnPatient() {
    CapabilityStatement statement = client().capabilities().ofType(CapabilityStatement.class).execute();

    assertThat(statement.getRestFirstRep().getResource()).filteredOn(resource -> resource.getType().equals("Patient"))
        .singleElement().satisfies(patient -> assertThat(patient.getOperation())
            .extracting(CapabilityStatementRestResourceOperationComponent::getDefinition)
            .contains("http://hl7.org/fhir/us/davinci-hrex/OperationDefinition/member-match"));
  }

  /** A patient with a member number and a coverage naming it as beneficiary; its id. */
  private String member(String family, String birthDate, String memberNumber, String subscriberId) {
    Patient patient = demographics(family, birthDate);
    patient.addIdentifier().setSystem(MEMBERS).setValue("member-" + memberNumber).getType().addCoding()
        .setSystem(TYPES).setCode("MB");
    String id = create(patient);
    create(coverage(id, memberNumber, subscriberId));
    return id;
  }

  private static Patient demographics(String family, String birthDate) {
    Patient patient = new Patient().setGender(AdministrativeGender.FEMALE)
        .setBirthDateElement(new DateType(birthDate));
    patient.addName().setFamily(family).addGiven("Patricia").addGiven("Ann");
    // The client's own member number, which the match leaves out.
    patient.addIdentifier().setSystem("http://example.org/new-payer").setValue(UUID.randomUUID().toString());
    return patient;
  }

  private static Coverage coverage(String beneficiary, String memberNumber, String subscriberId) {
    Coverage coverage = coverageToMatch(memberNumber, subscriberId);
    return coverage.setBeneficiary(new Reference("Patient/" + beneficiary));
  }

  /** A coverage as a card tells it: the member number (type MB) and the subscriber id, either may be null. */
  private static Coverage coverageToMatch(String memberNumber, String subscriberId) {
    Coverage coverage = new Coverage().setStatus(Coverage.CoverageStatus.ACTIVE).setSubscriberId(subscriberId);
    if (memberNumber != null) {
      coverage.addIdentifier().setSystem("http://example.org/payer/cards").setValue(memberNumber).getType()
          .addCoding().setSystem(TYPES).setCode("MB");
    }
    coverage.setBeneficiary(new Reference("Patient/1")).addPayor().setDisplay("Old Health Plan");
    return coverage;
  }

  private static Parameters request(Patient member, Coverage toMatch) {
    Parameters in = new Parameters();
    in.addParameter().setName("MemberPatient").setResource(member);
    in.addParameter().setName("CoverageToMatch").setResource(toMatch);
    return in;
  }

  private static OperationOutcome refused(int status, Parameters in, String... headers) {
    return server.http().refused(status, "POST", "/fhir/Patient/$member-match", json(in), headers);
  }

  private static String json(Resource resource) {
    return server.fhir().jsonParser().encodeResourceToString(resource);
  }

  private static String create(Resource resource) {
    return client().create().resource(resource).execute().getId().getIdPart();
  }

  private static IGenericClient client() {
    return server.client();
  }
}
