package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.TestServer;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;

/**
 * The definitions stored in this server as the validator is served them: by canonical url (with {@code |version}
 * or the newest), and whether what was served has changed in the store since.
 */
class StoredDefinitionsTest {
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final StoredDefinitions definitions = new StoredDefinitions(server.fhir(), server.store());
  private final String url = "http://example.org/ValueSet/" + UUID.randomUUID();

  @Test
  void aDefinitionIsFoundByItsCanonicalUrlAndTypeOnly() {
    store(valueSet("1.0", "first"));

    assertThat(name(definitions.fetchValueSet(url))).isEqualTo("first");
    assertThat(definitions.fetchCodeSystem(url)).as("a ValueSet is no CodeSystem").isNull();
    assertThat(definitions.fetchValueSet(url + "-unknown")).isNull();
  }

  @Test
  void aVersionedUrlFindsThatVersionAndAPlainOneTheNewest() {
    store(valueSet("1.0", "older"));
    store(valueSet("2.0", "newer"));

    assertThat(name(definitions.fetchValueSet(url))).isEqualTo("newer");
    assertThat(name(definitions.fetchValueSet(url + "|1.0"))).isEqualTo("older");
    assertThat(definitions.fetchValueSet(url + "|3.0")).isNull();
  }

  @Test
  void nothingHasChangedUntilWhatWasServedIsUpdated() {
    IIdType stored = store(valueSet("1.0", "first"));
    definitions.fetchValueSet(url);

    assertThat(definitions.changed()).isFalse();
    ValueSet updated = valueSet("1.0", "second");
    updated.setId(stored.toVersionless());
    client.update().resource(updated).execute();

    assertThat(definitions.changed()).isTrue();
  }

  @Test
  void aDefinitionCreatedOrDeletedUnderAServedUrlIsAChange() {
    definitions.fetchValueSet(url); // none yet: that is remembered too

    IIdType created = store(valueSet("1.0", "first"));
    assertThat(definitions.changed()).as("created").isTrue();

    definitions.invalidateCaches();
    definitions.fetchValueSet(url);
    client.delete().resourceById(created.toVersionless()).execute();
    assertThat(definitions.changed()).as("deleted").isTrue();
  }

  @Test
  void forgettingWhatWasServedForgetsTheChanges() {
    IIdType stored = store(valueSet("1.0", "first"));
    definitions.fetchValueSet(url);
    client.delete().resourceById(stored.toVersionless()).execute();

    definitions.invalidateCaches();

    assertThat(definitions.changed()).isFalse();
    assertThat(definitions.fetchValueSet(url)).as("deleted").isNull();
  }

  @Test
  void codeSystemsAreServedToo() {
    CodeSystem codeSystem = new CodeSystem().setUrl(url).setName("codes").setStatus(PublicationStatus.ACTIVE)
        .setContent(CodeSystem.CodeSystemContentMode.COMPLETE);
    client.create().resource(codeSystem).execute();

    assertThat(name(definitions.fetchCodeSystem(url))).isEqualTo("codes");
  }

  private ValueSet valueSet(String version, String name) {
    return new ValueSet().setUrl(url).setVersion(version).setName(name).setStatus(PublicationStatus.ACTIVE);
  }

  private IIdType store(ValueSet valueSet) {
    return client.create().resource(valueSet).execute().getId();
  }

  private static String name(Object definition) {
    return ((MetadataResource) definition).getName();
  }
}
