package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.server.TestServer;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * $meta-add and $meta-delete, through HAPI's generic client: they change the profiles, tags and security labels of a
 * resource, as sets, and nothing else; a change is a new version, found by search at once.
 */
class ChangeMetaTest {
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final String system = "http://brazier.test/meta-" + UUID.randomUUID();

  @Test
  void metaAddAddsProfilesTagsAndSecurityLabelsOnceEachAsANewVersion() {
    IIdType id = create(patient());
    Meta added = new Meta().addProfile(system + "/profile").addSecurity(system, "restricted", null);
    added.addTag(system, "kept", "shown again").addTag(system, "new", null);

    Meta result = client.meta().add().onResource(id).meta(added).execute();

    assertThat(result.getVersionId()).isEqualTo("2");
    assertThat(codes(result.getTag())).containsExactly("kept", "new");
    assertThat(result.getTag().get(0).getDisplay()).isEqualTo("first display");
    assertThat(result.getProfile()).extracting(CanonicalType::getValue).containsExactly(system + "/profile");
    assertThat(codes(result.getSecurity())).containsExactly("restricted");
    Patient read = client.read().resource(Patient.class).withId(id.toVersionless()).execute();
    assertThat(read.getMeta().getVersionId()).isEqualTo("2");
    assertThat(codes(read.getMeta().getTag())).containsExactly("kept", "new");
    assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Tagged");
    assertThat(found("_tag=" + system + "|new")).containsExactly(id.getIdPart());
  }

  @Test
  void aChangeThatChangesNothingWritesNoVersion() {
    IIdType id = create(patient());

    Meta again = client.meta().add().onResource(id).meta(new Meta().addTag(system, "kept", "other display"))
        .execute();
    Meta absent = client.meta().delete().onResource(id).meta(new Meta().addTag(system, "never", null)).execute();

    assertThat(again.getVersionId()).isEqualTo("1");
    assertThat(absent.getVersionId()).isEqualTo("1");
    assertThat(codes(again.getTag())).containsExactly("kept");
  }

  @Test
  void metaDeleteRemovesByUrlOrSystemAndCodeAndLeavesTheRest() {
    Patient patient = patient();
    patient.getMeta().addProfile(system + "/profile").addSecurity(system, "restricted", null)
        .addTag(system, "other", null);
    IIdType id = create(patient);
    Meta removed = new Meta().addProfile(system + "/profile").addSecurity(system, "restricted", "any display");
    removed.addTag(system, "kept", null);

    Meta result = client.meta().delete().onResource(id).meta(removed).execute();

    assertThat(result.getVersionId()).isEqualTo("2");
    assertThat(codes(result.getTag())).containsExactly("other");
    assertThat(result.getProfile()).isEmpty();
    assertThat(result.getSecurity()).isEmpty();
    assertThat(found("_tag=" + system + "|kept")).isEmpty();
    assertThat(found("_tag=" + system + "|other")).containsExactly(id.getIdPart());
    assertThat(client.read().resource(Patient.class).withId(id.toVersionless()).execute().getNameFirstRep()
        .getFamily()).isEqualTo("Tagged");
  }

  @Test
  void anUnknownOrDeletedResourceOrABodyWithoutMetaIsRefused() {
    IIdType id = create(patient());
    Meta tag = new Meta().addTag(system, "x", null);
    Parameters wrong = new Parameters();
    wrong.addParameter("tag", new Coding(system, "x", null));

    assertThatThrownBy(() -> client.operation().onInstance(id.toVersionless()).named("$meta-add")
        .withParameters(wrong).execute()).isInstanceOf(InvalidRequestException.class).hasMessageContaining("'meta'");
    assertThatThrownBy(() -> client.meta().add().onResource(new IdType("Patient", "no-" + UUID.randomUUID()))
        .meta(tag).execute()).isInstanceOf(ResourceNotFoundException.class);
    client.delete().resourceById(id.toVersionless()).execute();
    assertThatThrownBy(() -> client.meta().delete().onResource(id.toVersionless()).meta(tag).execute())
        .isInstanceOf(ResourceGoneException.class);
  }

  private Patient patient() {
    Patient patient = new Patient();
    patient.addName().setFamily("Tagged");
    patient.getMeta().addTag(system, "kept", "first display");
    return patient;
  }

  private IIdType create(Patient patient) {
    return client.create().resource(patient).execute().getId().toUnqualifiedVersionless();
  }

  private List<String> found(String query) {
    return client.search().byUrl("Patient?" + query).returnBundle(Bundle.class).execute().getEntry().stream()
        .map(entry -> entry.getResource().getIdElement().getIdPart()).toList();
  }

  private static List<String> codes(List<Coding> codings) {
    return codings.stream().map(Coding::getCode).toList();
  }
}
