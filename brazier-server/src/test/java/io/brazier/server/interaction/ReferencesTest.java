package io.brazier.server.interaction;

import static io.brazier.server.interaction.TransactionTest.add;
import static io.brazier.server.interaction.TransactionTest.observation;
import static io.brazier.server.interaction.TransactionTest.practitioner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import io.brazier.server.ServerConfig;
import io.brazier.server.ServerConfig.MissingReferences;
import io.brazier.server.ServerConfig.ReferentialIntegrity;
import io.brazier.server.TestServer;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class ReferencesTest {
  private static final String NPI = "http://hl7.org/fhir/sid/us-npi";

  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();

  @Test
  void aCreateThatReferencesAMissingResourceIs400ByDefault() {
    long before = server.lastChange();

    assertThatThrownBy(() -> client.create().resource(observation(new Reference("Patient/nobody"))).execute())
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.getMessage())
            .contains("Patient/nobody"));
    assertThat(server.changesSince(before)).isEmpty();
  }

  @Test
  void aReferenceToADeletedResourceIsMissingToo() {
    IIdType patient = client.create().resource(TransactionTest.patient("Deleted")).execute().getId();
    client.delete().resourceById(patient.toUnqualifiedVersionless()).execute();

    assertThatThrownBy(() -> client.create().resource(observation(new Reference(patient.toUnqualifiedVersionless())))
        .execute()).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void aConditionalReferenceInASingleCreateIsResolvedToTheOneMatch() {
    String npi = UUID.randomUUID().toString();
    IIdType practitioner = client.create().resource(practitioner(npi)).execute().getId();

    IIdType id = client.create().resource(observation(null)
        .addPerformer(new Reference("Practitioner?identifier=" + NPI + "|" + npi))).execute().getId();

    Observation stored = client.read().resource(Observation.class).withId(id.getIdPart()).execute();
    assertThat(stored.getPerformerFirstRep().getReference())
        .isEqualTo("Practitioner/" + practitioner.getIdPart());
  }

  @Test
  void aConditionalReferenceMatchingTwoResourcesIs412() {
    String npi = UUID.randomUUID().toString();
    client.create().resource(practitioner(npi)).execute();
    client.create().resource(practitioner(npi)).execute();

    assertThatThrownBy(() -> client.create().resource(observation(null)
        .addPerformer(new Reference("Practitioner?identifier=" + NPI + "|" + npi))).execute())
        .isInstanceOf(PreconditionFailedException.class);
  }

  @Test
  void anAbsoluteReferenceToThisServerIsStoredRelative() {
    IIdType patient = client.create().resource(TransactionTest.patient("Absolute")).execute().getId();

    IIdType id = client.create().resource(observation(new Reference(server.baseUrl() + "/Patient/"
        + patient.getIdPart()))).execute().getId();

    assertThat(client.read().resource(Observation.class).withId(id.getIdPart()).execute().getSubject()
        .getReference()).isEqualTo("Patient/" + patient.getIdPart());
  }

  @Test
  void withLenientIntegrityAReferenceToAMissingResourceIsStored() {
    try (TestServer lenient = TestServer.onSharedStore(config(ReferentialIntegrity.LENIENT,
        MissingReferences.ERROR))) {
      IGenericClient other = lenient.client();

      IIdType id = other.create().resource(observation(new Reference("Patient/not-yet-loaded"))).execute().getId();

      assertThat(other.read().resource(Observation.class).withId(id.getIdPart()).execute().getSubject()
          .getReference()).isEqualTo("Patient/not-yet-loaded");
    }
  }

  @Test
  void withPlaceholdersAConditionalReferenceToNothingGetsOneTaggedPlaceholderCarryingTheIdentifier() {
    String npi = UUID.randomUUID().toString();
    String reference = "Practitioner?identifier=" + NPI + "|" + npi;
    try (TestServer placeholders = TestServer.onSharedStore(config(ReferentialIntegrity.ENFORCE,
        MissingReferences.PLACEHOLDER))) {
      IGenericClient other = placeholders.client();
      Bundle bundle = new Bundle().setType(BundleType.TRANSACTION);
      add(bundle, null, observation(null).addPerformer(new Reference(reference)), HTTPVerb.POST, "Observation");
      add(bundle, null, observation(null).addPerformer(new Reference(reference)), HTTPVerb.POST, "Observation");

      Bundle response = other.transaction().withBundle(bundle).execute();
      IIdType later = other.create().resource(observation(null).addPerformer(new Reference(reference))).execute()
          .getId();

      String first = performer(other, response.getEntry().get(0).getResponse().getLocation());
      assertThat(performer(other, response.getEntry().get(1).getResponse().getLocation())).isEqualTo(first);
      assertThat(performer(other, later.getValue())).isEqualTo(first);
      Practitioner placeholder = other.read().resource(Practitioner.class).withUrl(first).execute();
      assertThat(placeholder.getIdentifierFirstRep().getValue()).isEqualTo(npi);
      assertThat(placeholder.getMeta().getTag(Placeholders.TAG_SYSTEM, Placeholders.TAG_CODE)).isNotNull();
    }
  }

  @Test
  void withPlaceholdersAMissingLocalReferenceGetsAPlaceholderOfThatId() {
    String id = "ph-test-" + UUID.randomUUID().toString().substring(0, 8);
    try (TestServer placeholders = TestServer.onSharedStore(config(ReferentialIntegrity.ENFORCE,
        MissingReferences.PLACEHOLDER))) {
      IGenericClient other = placeholders.client();

      other.create().resource(observation(new Reference("Patient/" + id))).execute();

      assertThat(other.read().resource(org.hl7.fhir.r4.model.Patient.class).withId(id).execute().getMeta()
          .getTag(Placeholders.TAG_SYSTEM, Placeholders.TAG_CODE)).isNotNull();
    }
  }

  private static String performer(IGenericClient client, String location) {
    return client.read().resource(Observation.class).withUrl(new IdType(location).toUnqualifiedVersionless())
        .execute().getPerformerFirstRep().getReference();
  }

  private static ServerConfig config(ReferentialIntegrity integrity, MissingReferences missing) {
    return ServerConfig.builder().referentialIntegrity(integrity).missingReferences(missing).build();
  }
}
