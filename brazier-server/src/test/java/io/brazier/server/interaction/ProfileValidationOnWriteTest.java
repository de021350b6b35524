package io.brazier.server.interaction;

import static io.brazier.server.operation.ValidateTest.errors;
import static io.brazier.server.operation.ValidateTest.profile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Write-time profile validation: {@code x-ms-profile-validation: true}, or the server's flags, validate what a create
 * or an update writes against its {@code meta.profile}; an invalid resource is a 422 with the validator's outcome.
 */
class ProfileValidationOnWriteTest {
  private static final String URL = "http://brazier.test/fhir/StructureDefinition/born-" + UUID.randomUUID();
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final IGenericClient asking = withHeader(server.client(), "true");

  @BeforeAll
  static void storeTheProfile() {
    TestServer.shared().client().create().resource(profile(URL, "Patient.birthDate")).execute();
  }

  @Test
  void whenAskedAResourceThatFailsItsProfileIsRefusedWithTheValidatorsOutcome() {
    assertThatThrownBy(() -> asking.create().resource(claiming(URL)).execute())
        .isInstanceOfSatisfying(UnprocessableEntityException.class, e ->
            assertThat(errors((OperationOutcome) e.getOperationOutcome())).singleElement().asString()
                .contains("birthDate"));

    assertThat(asking.create().resource(claiming(URL).setBirthDateElement(new DateType("1970-01-01"))).execute()
        .getCreated()).isTrue();
  }

  @Test
  void unaskedNothingIsValidated() {
    assertThat(client.create().resource(claiming(URL)).execute().getCreated()).isTrue();
    assertThat(client.create().resource(claiming(URL + "-not-held")).execute().getCreated()).isTrue();
  }

  @Test
  void withStrictHandlingAWarningFailsTooAsMicrosoftsServerHasIt() {
    Patient valid = claiming(URL).setBirthDateElement(new DateType("1970")); // no narrative: a warning (dom-6)
    IGenericClient strict = withHeader(server.client(), "true");
    AdditionalRequestHeadersInterceptor prefer = new AdditionalRequestHeadersInterceptor();
    prefer.addHeaderValue("Prefer", "handling=strict");
    strict.registerInterceptor(prefer);

    assertThatThrownBy(() -> strict.create().resource(valid).execute())
        .isInstanceOfSatisfying(UnprocessableEntityException.class, e ->
            assertThat(errors((OperationOutcome) e.getOperationOutcome())).isEmpty());
    assertThat(asking.create().resource(valid).execute().getCreated()).isTrue();
  }

  @Test
  void aProfileTheServerDoesNotHoldIsRefused() {
    String unknown = URL + "-not-held";

    assertThatThrownBy(() -> asking.create().resource(claiming(unknown).setBirthDateElement(new DateType("1970")))
        .execute()).isInstanceOfSatisfying(UnprocessableEntityException.class, e ->
            assertThat(errors((OperationOutcome) e.getOperationOutcome())).anyMatch(d -> d.contains(unknown)));
  }

  @Test
  void anUpdateIsValidatedAndNothingIsWritten() {
    Patient patient = claiming(URL).setBirthDateElement(new DateType("1970"));
    IIdType id = client.create().resource(patient).execute().getId().toUnqualifiedVersionless();
    patient.setId(id);
    patient.setBirthDate(null);

    assertThatThrownBy(() -> asking.update().resource(patient).execute())
        .isInstanceOf(UnprocessableEntityException.class);
    assertThat(client.read().resource(Patient.class).withId(id).execute().getMeta().getVersionId()).isEqualTo("1");
  }

  @Test
  void aTransactionThatAsksIsRefusedWholeForOneInvalidEntry() {
    String family = UUID.randomUUID().toString();
    Bundle transaction = new Bundle().setType(BundleType.TRANSACTION);
    Patient valid = claiming(URL).setBirthDateElement(new DateType("1970"));
    valid.addName().setFamily(family);
    Patient invalid = claiming(URL);
    invalid.addName().setFamily(family);
    transaction.addEntry().setResource(valid).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    transaction.addEntry().setResource(invalid).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");

    assertThatThrownBy(() -> asking.transaction().withBundle(transaction).execute())
        .isInstanceOf(UnprocessableEntityException.class);
    assertThat(client.search().byUrl("Patient?family=" + family).returnBundle(Bundle.class).execute().getEntry())
        .isEmpty();
  }

  @Test
  void aBatchThatAsksRefusesTheInvalidEntryAlone() {
    Bundle batch = new Bundle().setType(BundleType.BATCH);
    batch.addEntry().setResource(claiming(URL).setBirthDateElement(new DateType("1970"))).getRequest()
        .setMethod(HTTPVerb.POST).setUrl("Patient");
    batch.addEntry().setResource(claiming(URL)).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");

    Bundle answer = asking.transaction().withBundle(batch).execute();

    assertThat(answer.getEntry()).extracting(entry -> entry.getResponse().getStatus())
        .containsExactly("201 Created", "422 Unprocessable Entity");
    assertThat(errors((OperationOutcome) answer.getEntry().get(1).getResponse().getOutcome()))
        .anyMatch(d -> d.contains("birthDate"));
  }

  @Test
  void theFlagsValidateEveryCreateOrUpdateUnlessTheHeaderSaysFalse() {
    ServerConfig.ProfileValidation onCreate = new ServerConfig.ProfileValidation(true, false);
    try (TestServer validating = TestServer.onSharedStore(ServerConfig.builder().profileValidation(onCreate).build())) {
      IGenericClient plain = validating.client();
      Patient patient = claiming(URL);

      assertThatThrownBy(() -> plain.create().resource(patient).execute())
          .isInstanceOf(UnprocessableEntityException.class);
      IIdType id = withHeader(validating.client(), "false").create().resource(patient).execute().getId();
      patient.setId(id.toUnqualifiedVersionless());
      patient.addName().setFamily("Updated");
      assertThat(plain.update().resource(patient).execute().getId().getVersionIdPart()).isEqualTo("2");
    }
  }

  private static Patient claiming(String profile) {
    Patient patient = new Patient();
    patient.getMeta().addProfile(profile);
    return patient;
  }

  private static IGenericClient withHeader(IGenericClient client, String value) {
    AdditionalRequestHeadersInterceptor header = new AdditionalRequestHeadersInterceptor();
    header.addHeaderValue(ProfileValidationOnWrite.HEADER, value);
    client.registerInterceptor(header);
    return client;
  }
}
