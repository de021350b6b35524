package io.brazier.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.Caller;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import io.brazier.server.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * Each entry of a batch or transaction checked as a request of its own before the bundle is forwarded: by its
 * method and URL, with the bundle's caller; the first one refused refuses the bundle, naming the entry.
 */
class BundleEntryChecksTest {
  private static final Fhir FHIR = TestServer.shared().fhir();
  private static final String BASE = "https://proxy.example/fhir";
  private static final Caller CALLER = new Caller("https://issuer", "someone", "a-client", Set.of("Reader"),
      Set.of(), null, null, null);
  private final BundleEntryChecks entries = new BundleEntryChecks(FHIR);
  private final List<FhirRequest> checked = new ArrayList<>();

  @Test
  void eachEntryIsCheckedAsItsOwnRequestWithTheBundlesCaller() {
    Bundle batch = batch();
    batch.addEntry().getRequest().setMethod(HTTPVerb.GET).setUrl("Patient/1");
    batch.addEntry().getRequest().setMethod(HTTPVerb.DELETE).setUrl(BASE + "/Observation/2");
    batch.addEntry().getRequest().setMethod(HTTPVerb.GET).setUrl("Observation?code=8867-4");
    batch.addEntry().setResource(new Patient()).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");

    entries.check(request(json(batch), "application/fhir+json"), this::record);

    assertThat(checked).extracting(FhirRequest::interaction).containsExactly(FhirInteraction.READ,
        FhirInteraction.DELETE, FhirInteraction.SEARCH_TYPE, FhirInteraction.CREATE);
    assertThat(checked).extracting(FhirRequest::type).containsExactly("Patient", "Observation", "Observation",
        "Patient");
    assertThat(checked.get(1).id()).as("the proxy's own base cut off").isEqualTo("2");
    assertThat(checked).allSatisfy(entry -> {
      assertThat(entry.caller()).isEqualTo(CALLER);
      assertThat(entry.isEntry()).isTrue();
    });
  }

  @Test
  void anEntryRefusedRefusesTheBundleNamingTheEntryAndNoLaterEntryIsChecked() {
    Bundle batch = batch();
    batch.addEntry().getRequest().setMethod(HTTPVerb.GET).setUrl("Patient/1");
    batch.addEntry().getRequest().setMethod(HTTPVerb.DELETE).setUrl("Patient/1");
    batch.addEntry().getRequest().setMethod(HTTPVerb.GET).setUrl("Patient/2");

    assertThatThrownBy(() -> entries.check(request(json(batch), "application/fhir+json"), entry -> {
      record(entry);
      if (entry.interaction() == FhirInteraction.DELETE) {
        throw FhirException.forbidden("The caller may not delete Patient.");
      }
      return entry;
    })).isInstanceOfSatisfying(FhirException.class, e -> {
      assertThat(e.status()).isEqualTo(403);
      assertThat(e.outcome().getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Bundle.entry[1]");
    });
    assertThat(checked).hasSize(2);
  }

  @Test
  void anEntryWhoseUrlIsNoPathBelowTheBaseOrThatLacksAMethodIsA400() {
    Bundle elsewhere = batch();
    elsewhere.addEntry().getRequest().setMethod(HTTPVerb.DELETE).setUrl("https://upstream.example/fhir/Patient/1");
    Bundle climbing = batch();
    climbing.addEntry().getRequest().setMethod(HTTPVerb.GET).setUrl("Patient/../Observation/1");
    Bundle noMethod = batch();
    noMethod.addEntry().getRequest().setUrl("Patient/1");

    for (Bundle bad : List.of(elsewhere, climbing, noMethod)) {
      assertThatThrownBy(() -> entries.check(request(json(bad), "application/fhir+json"), this::record))
          .isInstanceOfSatisfying(FhirException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.outcome().getIssueFirstRep().getExpression().get(0).getValue())
                .isEqualTo("Bundle.entry[0]");
          });
    }
    assertThat(checked).isEmpty();
  }

  @Test
  void anXmlBundleIsReadAsXml() {
    Bundle batch = batch();
    batch.addEntry().getRequest().setMethod(HTTPVerb.GET).setUrl("Patient/1");
    byte[] xml = FHIR.context().newXmlParser().encodeResourceToString(batch).getBytes(StandardCharsets.UTF_8);

    entries.check(request(xml, "application/fhir+xml"), this::record);

    assertThat(checked).extracting(FhirRequest::interaction).containsExactly(FhirInteraction.READ);
  }

  @Test
  void aBodyThatIsNoBundleIsA400SayingWhatItIs() {
    assertThatThrownBy(() -> entries.check(request(new byte[0], "application/fhir+json"), this::record))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("the body is empty");
    assertThatThrownBy(() -> entries.check(request(json(new Patient()), "application/fhir+json"), this::record))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("not a Patient");
    assertThatThrownBy(() -> entries.check(request("{\"resourceType\":".getBytes(StandardCharsets.UTF_8),
        "application/fhir+json"), this::record))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("not a FHIR resource");
  }

  private FhirRequest record(FhirRequest entry) {
    checked.add(entry);
    return entry;
  }

  private static Bundle batch() {
    return new Bundle().setType(Bundle.BundleType.BATCH);
  }

  private static FhirRequest request(byte[] body, String contentType) {
    return FhirRequest.builder("POST", "").body(body, contentType).baseUrl(BASE).caller(CALLER).build()
        .routed(FhirInteraction.BUNDLE, null);
  }

  private static byte[] json(org.hl7.fhir.r4.model.Resource resource) {
    return FHIR.jsonParser().encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
  }
}
