package io.brazier.proxy.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import io.brazier.server.Caller;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Who may invoke which operation: bulk operations need a backend service's {@code system/} scopes (a patient level
 * export a {@code patient/} scope), an operation nobody decided on is for Administrators only, and a refusal is a
 * 403 naming the operation.
 */
class OperationRightsTest {

  @Test
  void anAdministratorMayInvokeEveryOperationEvenOneNotNamed() {
    Rights administrator = rights(List.of("Administrator"));

    for (String url : List.of("$export", "$import", "Patient/$reindex", "$purge-history", "Patient/1/$everything")) {
      assertThatCode(() -> check("POST", url, administrator)).as(url).doesNotThrowAnyException();
    }
  }

  @Test
  void anOperationNotNamedIsClosedToEveryoneButAnAdministrator() {
    Rights everythingElse = rights(List.of("Reader", "Writer"), "system/*.cruds");

    assertThatThrownBy(() -> check("POST", "Patient/$purge-history", everythingElse))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(403))
        .hasMessageContaining("invoke $purge-history on Patient");
  }

  @Test
  void aSystemExportNeedsASystemScopeForEveryTypeItReaches() {
    assertThatCode(() -> check("GET", "$export", rights(List.of(), "system/*.read"))).doesNotThrowAnyException();
    assertThatCode(() -> check("GET", "$export?_type=Observation,Patient", rights(List.of(),
        "system/Observation.rs", "system/Patient.rs"))).doesNotThrowAnyException();
    assertForbidden("GET", "$export?_type=Observation,Condition", rights(List.of(), "system/Observation.rs"));
    assertForbidden("GET", "$export", rights(List.of(), "system/Observation.rs"));
  }

  @Test
  void readersAndPatientScopesMayNotExportTheWholeSystem() {
    assertForbidden("GET", "$export", rights(List.of("Reader")));
    assertForbidden("GET", "$export?_type=Observation", rights(List.of(), "patient/Observation.rs"));
  }

  @Test
  void aPatientLevelExportIsAllowedByAPatientScopeForItsTypes() {
    assertThatCode(() -> check("GET", "Patient/$export?_type=Observation", rights(List.of(),
        "patient/Observation.rs"))).doesNotThrowAnyException();
    assertThatCode(() -> check("GET", "Group/g-1/$export", rights(List.of(), "patient/*.read")))
        .doesNotThrowAnyException();
    assertForbidden("GET", "Patient/$export", rights(List.of(), "patient/Observation.rs"));
  }

  @Test
  void aGranularScopeDoesNotOpenAnExport() {
    assertForbidden("GET", "$export?_type=Observation", rights(List.of(), "system/Observation.rs?category=laboratory"));
  }

  @Test
  void aPostedExportMayNameAnyTypeInItsBodySoItNeedsEveryType() {
    Rights observations = rights(List.of(), "system/Observation.rs");

    assertThatCode(() -> check("GET", "$export?_type=Observation", observations)).doesNotThrowAnyException();
    assertForbidden("POST", "$export?_type=Observation", observations);
  }

  @Test
  void anImportNeedsSystemCreateAndUpdateOnEveryType() {
    assertThatCode(() -> check("POST", "$import", rights(List.of(), "system/*.cu"))).doesNotThrowAnyException();
    assertForbidden("POST", "$import", rights(List.of(), "system/*.c"));
    assertForbidden("POST", "$import", rights(List.of("Writer")));
    assertForbidden("POST", "$import", rights(List.of(), "user/*.cruds"));
  }

  @Test
  void validatingASentResourceNeedsAnyRightButValidatingAStoredOneReadsIt() {
    Rights writer = rights(List.of("Writer"));

    assertThatCode(() -> check("POST", "Patient/$validate", writer)).doesNotThrowAnyException();
    assertForbidden("GET", "Patient/p-1/$validate", writer);
    assertThatCode(() -> check("GET", "Patient/p-1/$validate", rights(List.of("Reader"))))
        .doesNotThrowAnyException();
    assertForbidden("POST", "Patient/$validate", rights(List.of()));
  }

  @Test
  void metaReadsAResourceOrSearchesItsTypeAndMetaAddAndDeleteUpdateIt() {
    Rights reader = rights(List.of(), "user/Patient.r");

    assertThatCode(() -> check("GET", "Patient/p-1/$meta", reader)).doesNotThrowAnyException();
    assertThatCode(() -> check("GET", "Patient/p-1/_history/2/$meta", reader)).doesNotThrowAnyException();
    assertForbidden("GET", "Observation/o-1/_history/2/$meta", reader);
    assertForbidden("GET", "Patient/$meta", reader);
    assertThatCode(() -> check("GET", "Patient/$meta", rights(List.of(), "user/Patient.rs")))
        .doesNotThrowAnyException();
    assertForbidden("GET", "$meta", rights(List.of(), "user/Patient.rs"));
    assertThatCode(() -> check("GET", "$meta", rights(List.of("Reader")))).doesNotThrowAnyException();
    assertForbidden("POST", "Patient/p-1/$meta-add", reader);
    assertForbidden("POST", "Patient/p-1/$meta-delete", reader);
    assertThatCode(() -> check("POST", "Patient/p-1/$meta-add", rights(List.of("Writer"))))
        .doesNotThrowAnyException();
    assertThatCode(() -> check("POST", "Patient/p-1/$meta-delete", rights(List.of(), "user/Patient.u")))
        .doesNotThrowAnyException();
    assertForbidden("POST", "Observation/o-1/$meta-add", rights(List.of(), "user/Patient.u"));
  }

  @Test
  void everythingAndChangesNeedReadAndSearchOnEveryType() {
    assertThatCode(() -> check("GET", "Patient/p-1/$everything", rights(List.of("Reader"))))
        .doesNotThrowAnyException();
    assertForbidden("GET", "Patient/p-1/$everything", rights(List.of(), "user/Patient.rs", "user/Observation.rs"));
    assertForbidden("GET", "$changes", rights(List.of(), "system/*.r"));
    assertThatCode(() -> check("GET", "$changes", rights(List.of(), "system/*.rs"))).doesNotThrowAnyException();
  }

  @Test
  void terminologyOperationsNeedReadOnTheirType() {
    assertThatCode(() -> check("GET", "ValueSet/$expand", rights(List.of(), "user/ValueSet.r")))
        .doesNotThrowAnyException();
    assertForbidden("GET", "ValueSet/$expand", rights(List.of(), "user/CodeSystem.r"));
    assertForbidden("GET", "$lookup", rights(List.of(), "user/CodeSystem.r"));
  }

  @Test
  void versionsNeedsAnyRightAndMemberMatchSearchAndReadOfPatientsAndCoverages() {
    assertThatCode(() -> check("GET", "$versions", rights(List.of(), "user/CodeSystem.r")))
        .doesNotThrowAnyException();
    assertThatCode(() -> check("POST", "Patient/$member-match", rights(List.of(), "system/Patient.rs",
        "system/Coverage.rs"))).doesNotThrowAnyException();
    assertForbidden("POST", "Patient/$member-match", rights(List.of(), "system/Patient.rs"));
    assertForbidden("POST", "Patient/$member-match", rights(List.of(), "system/Patient.r", "system/Coverage.r"));
  }

  @Test
  void convertDataNeedsTheRightToCreateEveryTypeAsAWriterHas() {
    assertThatCode(() -> check("POST", "$convert-data", rights(List.of("Writer")))).doesNotThrowAnyException();
    assertThatCode(() -> check("POST", "$convert-data", rights(List.of(), "system/*.write")))
        .doesNotThrowAnyException();
    assertThatCode(() -> check("POST", "$convert-data", rights(List.of("Administrator"))))
        .doesNotThrowAnyException();
    assertForbidden("POST", "$convert-data", rights(List.of("Reader")));
    assertForbidden("POST", "$convert-data", rights(List.of(), "system/*.read"));
    assertForbidden("POST", "$convert-data", rights(List.of(), "system/Patient.c", "system/Observation.c"));
  }

  @Test
  void docRefNeedsReadAndSearchOfDocumentReferences() {
    assertThatCode(() -> check("GET", "DocumentReference/$docref", rights(List.of(),
        "patient/DocumentReference.rs"))).doesNotThrowAnyException();
    assertForbidden("GET", "DocumentReference/$docref", rights(List.of(), "patient/DocumentReference.r"));
    assertForbidden("POST", "DocumentReference/$docref", rights(List.of(), "patient/Observation.rs"));
  }

  @Test
  void searchParameterStatusNeedsReadOfSearchParameters() {
    assertThatCode(() -> check("GET", "SearchParameter/$status", rights(List.of(), "user/SearchParameter.r")))
        .doesNotThrowAnyException();
    assertForbidden("GET", "SearchParameter/$status", rights(List.of(), "user/Observation.rs"));
  }

  @Test
  void changingASearchParameterStatusIsForAdministrators() {
    for (String method : List.of("PUT", "POST")) {
      assertForbidden(method, "SearchParameter/$status", rights(List.of(), "system/*.cruds"));
      assertForbidden(method, "SearchParameter/$status", rights(List.of("Writer")));
      assertThatCode(() -> check(method, "SearchParameter/$status", rights(List.of("Administrator"))))
          .doesNotThrowAnyException();
    }
  }

  @Test
  void aReindexOfATypeNeedsASystemUpdateOfIt() {
    assertThatCode(() -> check("POST", "Observation/$reindex", rights(List.of(), "system/Observation.u")))
        .doesNotThrowAnyException();
    assertForbidden("POST", "Observation/$reindex", rights(List.of("Writer")));
    assertForbidden("POST", "$reindex", rights(List.of(), "system/Observation.u"));
  }

  @Test
  void aBulkUpdateNeedsASystemUpdateAndSearchOfWhatItPatches() {
    assertThatCode(() -> check("PATCH", "Patient/$bulk-update?name=x", rights(List.of(), "system/Patient.us")))
        .doesNotThrowAnyException();
    assertThatCode(() -> check("PATCH", "$bulk-update", rights(List.of(), "system/*.us"))).doesNotThrowAnyException();
    assertForbidden("PATCH", "Patient/$bulk-update", rights(List.of("Writer")));
    assertForbidden("PATCH", "Patient/$bulk-update", rights(List.of(), "system/Patient.u"));
    assertForbidden("PATCH", "$bulk-update", rights(List.of(), "system/Patient.us"));
  }

  @Test
  void aBulkDeleteNeedsASystemDeleteAndOneThatPurgesHistoryAnAdministrator() {
    Rights deleter = rights(List.of(), "system/Patient.d");

    assertThatCode(() -> check("DELETE", "Patient/$bulk-delete?_tag=t", deleter)).doesNotThrowAnyException();
    assertThatCode(() -> check("DELETE", "Patient/$bulk-delete?_hardDelete=false", deleter))
        .doesNotThrowAnyException();
    assertForbidden("DELETE", "$bulk-delete", deleter);
    assertForbidden("DELETE", "Patient/$bulk-delete", rights(List.of(), "patient/Patient.d"));
    assertForbidden("DELETE", "Patient/$bulk-delete", rights(List.of("Writer")));
    for (String purging : List.of("_hardDelete=true", "hardDelete=true", "_purgeHistory=true")) {
      assertForbidden("DELETE", "Patient/$bulk-delete?" + purging, rights(List.of(), "system/*.cruds"));
      assertThatCode(() -> check("DELETE", "Patient/$bulk-delete?" + purging, rights(List.of("Administrator"))))
          .doesNotThrowAnyException();
    }
    assertForbidden("DELETE", "Patient/$bulk-delete-soft-deleted", rights(List.of(), "system/*.cruds"));
    assertThatCode(() -> check("DELETE", "$bulk-delete-soft-deleted", rights(List.of("Administrator"))))
        .doesNotThrowAnyException();
  }

  private static void assertForbidden(String method, String url, Rights rights) {
    assertThatThrownBy(() -> check(method, url, rights)).as(method + " " + url)
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(403))
        .hasMessageContaining("may not invoke $");
  }

  private static void check(String method, String url, Rights rights) {
    String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
    String operation = path.substring(path.lastIndexOf('$'));
    OperationRights.check(FhirRequest.builder(method, url).build().routed(FhirInteraction.OPERATION, operation),
        rights);
  }

  private static Rights rights(List<String> roles, String... scopes) {
    return Rights.of(new Caller("https://idp.example.org", "user-1", null, Set.copyOf(roles), Set.of(scopes), null,
        null, null));
  }
}
