package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.server.FhirRequest;
import io.brazier.server.Interceptor;
import io.brazier.server.Restriction;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * $meta through HAPI's generic client: a resource's meta, and the profiles, tags and security labels in use by a
 * type or the whole server, each once; kept to a patient, a request reaches only that patient's.
 */
class ReadMetaTest {
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private static final String ADD_TAG = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"meta\","
      + "\"valueMeta\":{\"tag\":[{\"system\":\"http://brazier.test\",\"code\":\"own\"}]}}]}";

  private final String system = "http://brazier.test/meta-" + UUID.randomUUID();

  @Test
  void anInstancesMetaIsItsOwn() {
    Patient patient = new Patient();
    patient.getMeta().addProfile(system + "/profile").addTag(system, "mine", "Mine").addSecurity(system, "secret",
        null);
    IIdType id = client.create().resource(patient).execute().getId().toUnqualifiedVersionless();

    Meta meta = client.meta().get(Meta.class).fromResource(id).execute();

    assertThat(meta.getVersionId()).isEqualTo("1");
    assertThat(meta.getProfile()).extracting(CanonicalType::getValue).containsExactly(system + "/profile");
    assertThat(meta.getTag()).extracting(Coding::getCode, Coding::getDisplay).containsExactly(tuple("mine", "Mine"));
    assertThat(codes(meta.getSecurity())).containsExactly("secret");
  }

  @Test
  void aVersionsMetaIsThatOfTheVersion() {
    IIdType id = client.create().resource(tagged(new Patient(), "first")).execute().getId()
        .toUnqualifiedVersionless();
    client.meta().add().onResource(id).meta(new Meta().addTag(system, "second", null)).execute();

    Meta first = versionMeta(id, 1);
    Meta second = versionMeta(id, 2);

    assertThat(first.getVersionId()).isEqualTo("1");
    assertThat(codes(ours(first.getTag()))).containsExactly("first");
    assertThat(second.getVersionId()).isEqualTo("2");
    assertThat(codes(ours(second.getTag()))).containsExactly("first", "second");
  }

  @Test
  void aTypeOrTheServerListsWhatItsLiveResourcesUseEachOnce() {
    client.create().resource(tagged(new Patient(), "b")).execute();
    client.create().resource(tagged(new Patient(), "a")).execute();
    client.create().resource(tagged(new Patient(), "a")).execute();
    IIdType gone = client.create().resource(tagged(new Patient(), "deleted")).execute().getId();
    client.delete().resourceById(gone.toUnqualifiedVersionless()).execute();
    client.create().resource(tagged(new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setCode(new CodeableConcept().setText("pulse")), "observed")).execute();

    Meta patients = client.meta().get(Meta.class).fromType("Patient").execute();
    Meta all = client.meta().get(Meta.class).fromServer().execute();

    assertThat(codes(ours(patients.getTag()))).containsExactly("a", "b");
    assertThat(patients.getProfile()).extracting(CanonicalType::getValue).contains(system + "/Patient")
        .doesNotContain(system + "/Observation");
    assertThat(codes(ours(all.getTag()))).containsExactly("a", "b", "observed");
    assertThat(all.getProfile()).extracting(CanonicalType::getValue)
        .contains(system + "/Patient", system + "/Observation");
  }

  @Test
  void aMetaWithNothingInItIsLeftOutSoThatNoParameterLacksAValueAndHapiReadsItEmpty() {
    IIdType plain = client.create().resource(new Patient()).execute().getId().toUnqualifiedVersionless();
    String untaggedType = "SubstanceSpecification";

    Meta own = client.meta().get(Meta.class).fromResource(plain).execute();
    Meta none = client.meta().get(Meta.class).fromType(untaggedType).execute();
    String ownJson = server.http().get("/fhir/Patient/" + plain.getIdPart() + "/$meta").body();
    String noneJson = server.http().get("/fhir/" + untaggedType + "/$meta").body();

    assertThat(own.getVersionId()).isEqualTo("1");
    assertThat(own.getTag()).isEmpty();
    assertThat(none.isEmpty()).isTrue();
    assertThat(ownJson).doesNotContain("{}", "[]").contains("\"name\":\"return\"", "\"valueMeta\"");
    assertThat(noneJson).isEqualTo("{\"resourceType\":\"Parameters\"}");
  }

  @Test
  void anUnknownOrDeletedResourceHasNoMeta() {
    IIdType id = client.create().resource(new Patient()).execute().getId().toUnqualifiedVersionless();
    client.delete().resourceById(id).execute();

    assertThatThrownBy(() -> client.meta().get(Meta.class).fromResource(id).execute())
        .isInstanceOf(ResourceGoneException.class);
    assertThatThrownBy(() -> client.meta().get(Meta.class).fromResource(new IdType("Patient", "no-" + UUID
        .randomUUID())).execute()).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void anUnknownOrDeletedVersionHasNoMeta() {
    IIdType id = client.create().resource(new Patient()).execute().getId().toUnqualifiedVersionless();
    client.delete().resourceById(id).execute();
    String history = "/fhir/Patient/" + id.getIdPart() + "/_history/";

    assertThat(server.http().get(history + "1/$meta").status()).isEqualTo(200);
    assertThat(diagnostics(410, history + "2/$meta")).contains("deleted");
    assertThat(diagnostics(404, history + "3/$meta")).contains("Version 3");
    assertThat(diagnostics(404, history + "one/$meta")).contains("not a version id");
    assertThat(diagnostics(404, history + "1/$meta-add")).contains("$meta-add");
  }

  @Test
  void aRequestKeptToAPatientSeesOnlyItsOwnResourcesMetaAndNotThatOfAllResources() {
    String own = client.create().resource(new Patient()).execute().getId().getIdPart();
    String other = client.create().resource(new Patient()).execute().getId().getIdPart();
    Interceptor keptToOwn = new Interceptor() {
      @Override
      public FhirRequest before(FhirRequest request) {
        return request.withRestriction(Restriction.within("Patient", List.of(own)));
      }
    };

    try (TestServer restricted = TestServer.onSharedStore(ServerConfig.defaults(), List.of(keptToOwn))) {
      assertThat(restricted.http().get("/fhir/Patient/" + own + "/$meta").status()).isEqualTo(200);
      assertThat(restricted.http().get("/fhir/Patient/" + other + "/$meta").status()).isEqualTo(404);
      assertThat(restricted.http().get("/fhir/Patient/" + own + "/_history/1/$meta").status()).isEqualTo(200);
      assertThat(restricted.http().get("/fhir/Patient/" + other + "/_history/1/$meta").status()).isEqualTo(404);
      assertThat(restricted.http().get("/fhir/Patient/$meta").status()).isEqualTo(403);
      assertThat(restricted.http().get("/fhir/$meta").status()).isEqualTo(403);
      assertThat(restricted.http().post("/fhir/Patient/" + other + "/$meta-add", ADD_TAG).status()).isEqualTo(404);
      assertThat(restricted.http().post("/fhir/Patient/" + own + "/$meta-add", ADD_TAG).status()).isEqualTo(200);
    }
  }

  /** HAPI's client asks a versioned id for the current meta: the version's is asked for by hand. */
  private Meta versionMeta(IIdType id, int version) {
    return (Meta) server.http().get("/fhir/Patient/" + id.getIdPart() + "/_history/" + version + "/$meta")
        .resource(Parameters.class).getParameter("return").getValue();
  }

  private String diagnostics(int status, String path) {
    return server.http().refused(status, "GET", path, (byte[]) null).getIssueFirstRep().getDiagnostics();
  }

  private <T extends Resource> T tagged(T resource, String code) {
    resource.getMeta().addTag(system, code, null).addProfile(system + "/" + resource.fhirType());
    return resource;
  }

  private List<Coding> ours(List<Coding> codings) {
    return codings.stream().filter(coding -> system.equals(coding.getSystem())).toList();
  }

  private static List<String> codes(List<Coding> codings) {
    return codings.stream().map(Coding::getCode).toList();
  }
}
