package io.brazier.server.interaction;

import static io.brazier.server.interaction.TransactionTest.add;
import static io.brazier.server.interaction.TransactionTest.patient;
import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.Http;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;

class BundlesTest {
  private final TestServer server = TestServer.shared();
  private final Http http = server.http();

  @Test
  void aBodyThatIsNotABundleIs400() {
    OperationOutcome outcome = http.refused(400, "POST", "/fhir", "{\"resourceType\": \"Patient\"}");

    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("batch or transaction");
  }

  @Test
  void aBundleOfAnotherTypeIs400() {
    OperationOutcome outcome =
        http.refused(400, "POST", "/fhir", "{\"resourceType\": \"Bundle\", \"type\": \"document\"}");

    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("document");
  }

  @Test
  void malformedJsonIs400() {
    OperationOutcome outcome =
        http.refused(400, "POST", "/fhir", "{\"resourceType\": \"Bundle\", \"type\": \"transaction\", ");

    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("JSON");
  }

  @Test
  void aTransactionEntryWithoutARequestIs400NamingTheEntry() {
    OperationOutcome outcome = http.refused(400, "POST", "/fhir", """
        {"resourceType": "Bundle", "type": "transaction", "entry": [
          {"resource": {"resourceType": "Patient"}, "request": {"method": "POST", "url": "Patient"}},
          {"resource": {"resourceType": "Patient"}}
        ]}""");

    assertThat(expression(outcome)).isEqualTo("Bundle.entry[1]");
  }

  @Test
  void anUnknownMethodIs400NamingTheEntry() {
    OperationOutcome outcome = http.refused(400, "POST", "/fhir", """
        {"resourceType": "Bundle", "type": "transaction", "entry": [
          {"resource": {"resourceType": "Patient"}, "request": {"method": "MERGE", "url": "Patient"}}
        ]}""");

    assertThat(expression(outcome)).isEqualTo("Bundle.entry[0]");
  }

  @Test
  void anEntryUrlOfAnotherServerOrOfNoTypeIs400() {
    http.refused(400, "POST", "/fhir", """
        {"resourceType": "Bundle", "type": "transaction", "entry": [
          {"request": {"method": "GET", "url": "http://elsewhere.example/fhir/Patient/1"}}
        ]}""");
    http.refused(400, "POST", "/fhir", """
        {"resourceType": "Bundle", "type": "transaction", "entry": [
          {"resource": {"resourceType": "Bundle", "type": "transaction"}, "request": {"method": "POST", "url": "/"}}
        ]}""");
  }

  @Test
  void anEntryOfAnUnknownResourceTypeIs404() {
    OperationOutcome outcome = http.refused(404, "POST", "/fhir", """
        {"resourceType": "Bundle", "type": "transaction", "entry": [
          {"request": {"method": "GET", "url": "Unicorn/1"}}
        ]}""");

    assertThat(expression(outcome)).isEqualTo("Bundle.entry[0]");
  }

  @Test
  void moreEntriesOrBytesThanConfiguredAre413WithAnOperationOutcome() {
    ServerConfig small = ServerConfig.builder().bundleMaxEntries(2).bundleMaxBytes(2048).build();
    try (TestServer limited = TestServer.onSharedStore(small)) {
      Bundle three = new Bundle().setType(BundleType.TRANSACTION);
      for (int i = 0; i < 3; i++) {
        add(three, null, patient("Many"), HTTPVerb.POST, "Patient");
      }
      Bundle large = new Bundle().setType(BundleType.TRANSACTION);
      add(large, null, patient("x".repeat(3000)), HTTPVerb.POST, "Patient");

      OperationOutcome tooMany = limited.http().refused(413, "POST", "/fhir",
          server.fhir().jsonParser().encodeResourceToString(three));
      OperationOutcome tooLarge = limited.http().refused(413, "POST", "/fhir",
          server.fhir().jsonParser().encodeResourceToString(large));

      assertThat(tooMany.getIssueFirstRep().getDiagnostics()).contains("--bundle-max-entries");
      assertThat(tooLarge.getIssueFirstRep().getDiagnostics()).contains("--bundle-max-bytes");
    }
  }

  private static String expression(OperationOutcome outcome) {
    return outcome.getIssueFirstRep().getExpression().get(0).getValue();
  }
}
