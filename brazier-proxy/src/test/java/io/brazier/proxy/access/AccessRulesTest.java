package io.brazier.proxy.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import io.brazier.server.Caller;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The right each interaction needs, decided on the request as routed: what a role or a whole-type scope grants,
 * what a granular scope grants (reads and searches within it, no writes), and a granular search made strict so
 * that the server cannot widen it by ignoring a parameter.
 */
class AccessRulesTest {
  private static final Rights LABORATORY = rights("system/Observation.rs?category=laboratory");

  @Test
  void aSearchWithinAGranularScopeRunsStrictWhateverTheClientPreferred() {
    FhirRequest lenient = request("GET", "Observation?category=laboratory", FhirInteraction.SEARCH_TYPE)
        .withHeader("Prefer", "handling=lenient, return=minimal");
    FhirRequest none = request("GET", "Observation?category=laboratory", FhirInteraction.SEARCH_TYPE);

    assertThat(AccessRules.check(lenient, LABORATORY).prefer().strict()).as("the first handling wins").isTrue();
    assertThat(AccessRules.check(lenient, LABORATORY).header("Prefer"))
        .isEqualTo("handling=strict, handling=lenient, return=minimal");
    assertThat(AccessRules.check(none, LABORATORY).header("Prefer")).isEqualTo("handling=strict");
  }

  @Test
  void aSystemSearchOfATypeAGranularScopeLimitsRunsStrictToo() {
    Rights rights = rights("system/Observation.rs?category=laboratory", "system/Patient.rs");
    FhirRequest search = request("GET", "?_type=Observation,Patient&category=laboratory",
        FhirInteraction.SEARCH_SYSTEM);
    FhirRequest patients = request("GET", "?_type=Patient&gender=female", FhirInteraction.SEARCH_SYSTEM);

    assertThat(AccessRules.check(search, rights).header("Prefer")).isEqualTo("handling=strict");
    assertThat(AccessRules.check(patients, rights)).isSameAs(patients);
  }

  @Test
  void aSearchTheCallerReachesWholeKeepsTheClientsPreference() {
    FhirRequest search = request("GET", "Observation?code=x", FhirInteraction.SEARCH_TYPE)
        .withHeader("Prefer", "handling=lenient");

    assertThat(AccessRules.check(search, rights("system/Observation.rs"))).isSameAs(search);
  }

  @Test
  void aGranularScopeGrantsNoWriteAndNoReadOfHistoryAndSaysWhy() {
    for (FhirRequest request : new FhirRequest[] {
        request("POST", "Observation", FhirInteraction.CREATE),
        request("PUT", "Observation/1", FhirInteraction.UPDATE),
        request("GET", "Observation/1/_history/1", FhirInteraction.VREAD),
        request("GET", "Observation/_history", FhirInteraction.HISTORY_TYPE)}) {
      assertThatThrownBy(() -> AccessRules.check(request, LABORATORY)).as(request.method() + " " + request.url())
          .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(403));
    }
    assertThatThrownBy(() -> AccessRules.check(request("GET", "Observation/1/_history/1", FhirInteraction.VREAD),
        LABORATORY)).hasMessageContaining("only for category=laboratory");
    assertThat(AccessRules.check(request("GET", "Observation/1", FhirInteraction.READ), LABORATORY))
        .as("a read is let through, to be checked on its answer").isNotNull();
  }

  @Test
  void aCompartmentSearchNeedsTheCompartmentsReadAndTheSearchOfItsType() {
    FhirRequest search = request("GET", "Patient/p1/Observation", FhirInteraction.SEARCH_COMPARTMENT);

    assertThatThrownBy(() -> AccessRules.check(search, rights("system/Observation.rs")))
        .hasMessageContaining("read Patient");
    assertThatThrownBy(() -> AccessRules.check(search, rights("system/Patient.r")))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(403));
    assertThat(AccessRules.check(search, rights("system/Patient.r", "system/Observation.s"))).isSameAs(search);
  }

  @Test
  void aSystemSearchNeedsTheSearchOfEveryTypeItNamesOrOfAll() {
    Rights both = rights("system/Observation.s", "system/Patient.s");
    FhirRequest named = request("GET", "?_type=Observation,Patient", FhirInteraction.SEARCH_SYSTEM);
    FhirRequest everything = request("GET", "?_lastUpdated=gt2020", FhirInteraction.SEARCH_SYSTEM);

    assertThat(AccessRules.check(named, both)).isSameAs(named);
    assertThatThrownBy(() -> AccessRules.check(named, rights("system/Observation.s")))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(403));
    assertThatThrownBy(() -> AccessRules.check(everything, both)).isInstanceOf(FhirException.class);
    assertThat(AccessRules.check(everything, rights("system/*.s"))).isSameAs(everything);
  }

  @Test
  void bundlesAndAsynchronousStatusesNeedSomeRightAndTheCapabilitiesNone() {
    Rights nothing = rights("openid");

    assertThatThrownBy(() -> AccessRules.check(request("POST", "", FhirInteraction.BUNDLE), nothing))
        .hasMessageContaining("send a batch or transaction");
    assertThatThrownBy(() -> AccessRules.check(request("GET", "_async/1", FhirInteraction.ASYNC_STATUS), nothing))
        .hasMessageContaining("follow an asynchronous request");
    assertThat(AccessRules.check(request("GET", "metadata", FhirInteraction.CAPABILITIES), nothing)).isNotNull();
    assertThat(AccessRules.check(request("GET", "_async/1", FhirInteraction.ASYNC_STATUS),
        rights("system/Patient.r"))).isNotNull();
  }

  @Test
  void aHardDeleteNeedsAnAdministratorWhereADeleteNeedsTheDeleteRight() {
    Rights writer = rights("system/Patient.cud");
    Rights administrator = Rights.of(new Caller("https://issuer", "admin", "a-client", Set.of("Administrator"),
        Set.of(), null, null, null));
    FhirRequest soft = request("DELETE", "Patient/1?hardDelete=false", FhirInteraction.DELETE);
    FhirRequest hard = request("DELETE", "Patient/1?hardDelete=true", FhirInteraction.DELETE);
    FhirRequest conditional = request("DELETE", "Patient?identifier=x&hardDelete=TRUE", FhirInteraction.DELETE);

    assertThat(AccessRules.check(soft, writer)).isSameAs(soft);
    assertThat(AccessRules.check(hard, administrator)).isSameAs(hard);
    for (FhirRequest refused : List.of(hard, conditional)) {
      assertThatThrownBy(() -> AccessRules.check(refused, writer)).as(refused.url())
          .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(403))
          .hasMessageContaining("hardDelete");
    }
  }

  private static FhirRequest request(String method, String url, FhirInteraction interaction) {
    return FhirRequest.builder(method, url).build().routed(interaction, null);
  }

  private static Rights rights(String... scopes) {
    return Rights.of(new Caller("https://issuer", "someone", "a-client", Set.of(), Set.of(scopes), null, null,
        null));
  }
}
