package io.brazier.proxy.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import org.junit.jupiter.api.Test;

/**
 * Under a restriction, the operations that keep to it run and others are 403; the meta operations run on one
 * resource (which the server, or the upstream check, keeps to the restriction), not on a type or the server.
 */
class IsolatedOperationsTest {

  @Test
  void operationsThatKeepToTheRestrictionRunAndOthersAreForbidden() {
    assertThatCode(() -> check("GET", "Patient/p-1/$everything")).doesNotThrowAnyException();
    assertThatCode(() -> check("POST", "Patient/$validate")).doesNotThrowAnyException();
    assertThatCode(() -> check("GET", "$versions")).doesNotThrowAnyException();
    assertThatCode(() -> check("GET", "DocumentReference/$docref")).doesNotThrowAnyException();
    assertThatCode(() -> check("POST", "$convert-data")).doesNotThrowAnyException();
    assertForbidden("GET", "$changes", "may not invoke $changes.");
    assertForbidden("POST", "Patient/$member-match", "may not invoke $member-match.");
  }

  @Test
  void theMetaOperationsRunOnOneResourceOnly() {
    assertThatCode(() -> check("GET", "Patient/p-1/$meta")).doesNotThrowAnyException();
    assertThatCode(() -> check("GET", "Patient/p-1/_history/2/$meta")).doesNotThrowAnyException();
    assertThatCode(() -> check("POST", "Patient/p-1/$meta-add")).doesNotThrowAnyException();
    assertThatCode(() -> check("POST", "Patient/p-1/$meta-delete")).doesNotThrowAnyException();
    assertForbidden("GET", "Patient/$meta", "may not invoke $meta but on one resource");
    assertForbidden("GET", "$meta", "may not invoke $meta but on one resource");
  }

  private static void assertForbidden(String method, String url, String message) {
    assertThatThrownBy(() -> check(method, url)).as(method + " " + url)
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(403))
        .hasMessageContaining(message);
  }

  private static void check(String method, String url) {
    String operation = url.substring(url.lastIndexOf('$'));
    IsolatedOperations.check(FhirRequest.builder(method, url).build().routed(FhirInteraction.OPERATION, operation));
  }
}
