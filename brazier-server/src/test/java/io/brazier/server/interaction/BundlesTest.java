package io.brazier.server.interaction;

import static io.brazier.server.interaction.TransactionTest.add;
import static io.brazier.server.interaction.TransactionTest.patient;
import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;

class BundlesTest {
  private final TestServer server = TestServer.shared();

  @Test
  void aBodyThatIsNotABundleIs400() {
    HttpResponse<String> response = Http.post("{\"resourceType\": \"Patient\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Http.outcome(response).getIssueFirstRep().getDiagnostics()).contains("batch or transaction");
  }

  @Test
  void aBundleOfAnotherTypeIs400() {
    HttpResponse<String> response = Http.post("{\"resourceType\": \"Bundle\", \"type\": \"document\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Http.outcome(response).getIssueFirstRep().getDiagnostics()).contains("document");
  }

  @Test
  void malformedJsonIs400() {
    HttpResponse<String> response = Http.post("{\"resourceType\": \"Bundle\", \"type\": \"transaction\", ");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Http.outcome(response).getIssue()).isNotEmpty();
  }

  @Test
  void aTransactionEntryWithoutARequestIs400NamingTheEntry() {
    long before = server.lastChange();

    HttpResponse<String> response = Http.post("""
        {"resourceType": "Bundle", "type": "transaction", "entry": [
          {"resource": {"resourceType": "Patient"}, "request": {"method": "POST", "url": "Patient"}},
          {"resource": {"resourceType": "Patient"}}
        ]}""");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(expression(Http.outcome(response))).isEqualTo("Bundle.entry[1]");
    assertThat(server.changesSince(before)).isEmpty();
  }

  @Test
  void anUnknownMethodIs400NamingTheEntry() {
    HttpResponse<String> response = Http.post("""
        {"resourceType": "Bundle", "type": "transaction", "entry": [
          {"resource": {"resourceType": "Patient"}, "request": {"method": "MERGE", "url": "Patient"}}
        ]}""");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(expression(Http.outcome(response))).isEqualTo("Bundle.entry[0]");
  }

  @Test
  void anEntryUrlOfAnotherServerOrOfNoTypeIs400() {
    HttpResponse<String> elsewhere = Http.post("""
        {"resourceType": "Bundle", "type": "transaction", "entry": [
          {"request": {"method": "GET", "url": "http://elsewhere.example/fhir/Patient/1"}}
        ]}""");
    HttpResponse<String> nested = Http.post("""
        {"resourceType": "Bundle", "type": "transaction", "entry": [
          {"resource": {"resourceType": "Bundle", "type": "transaction"}, "request": {"method": "POST", "url": "/"}}
        ]}""");

    assertThat(elsewhere.statusCode()).isEqualTo(400);
    assertThat(nested.statusCode()).isEqualTo(400);
  }

  @Test
  void anEntryOfAnUnknownResourceTypeIs404() {
    HttpResponse<String> response = Http.post("""
        {"resourceType": "Bundle", "type": "transaction", "entry": [
          {"request": {"method": "GET", "url": "Unicorn/1"}}
        ]}""");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(expression(Http.outcome(response))).isEqualTo("Bundle.entry[0]");
  }

  @Test
  void moreEntriesOrBytesThanConfiguredAre413WithAnOperationOutcome() {
    ServerConfig small = ServerConfig.defaults().withBundles(2, 2048, ServerConfig.ReferentialIntegrity.ENFORCE,
        ServerConfig.MissingReferences.ERROR);
    try (TestServer limited = TestServer.onSharedStore(small)) {
      String base = limited.baseUrl();
      Bundle three = new Bundle().setType(BundleType.TRANSACTION);
      for (int i = 0; i < 3; i++) {
        add(three, null, patient("Many"), HTTPVerb.POST, "Patient");
      }
      Bundle large = new Bundle().setType(BundleType.TRANSACTION);
      add(large, null, patient("x".repeat(3000)), HTTPVerb.POST, "Patient");

      HttpResponse<String> tooMany = Http.post(base, server.fhir().jsonParser().encodeResourceToString(three));
      HttpResponse<String> tooLarge = Http.post(base, server.fhir().jsonParser().encodeResourceToString(large));

      assertThat(tooMany.statusCode()).isEqualTo(413);
      assertThat(Http.outcome(tooMany).getIssueFirstRep().getDiagnostics()).contains("--bundle-max-entries");
      assertThat(tooLarge.statusCode()).isEqualTo(413);
      assertThat(Http.outcome(tooLarge).getIssueFirstRep().getDiagnostics()).contains("--bundle-max-bytes");
    }
  }

  private static String expression(OperationOutcome outcome) {
    return outcome.getIssueFirstRep().getExpression().get(0).getValue();
  }
}
