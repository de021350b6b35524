package io.brazier.app;

import io.brazier.client.FhirClient;
import io.brazier.server.Caller;
import io.brazier.server.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.hl7.fhir.r4.model.Patient;

/**
 * Patients on the shared server with identifiers of a system of their own, for the tests of what a conditional
 * delete matches, and that server as the proxy reaches it.
 */
final class IdentifiedPatients {
  private static final TestServer server = TestServer.shared();

  private final String system = "urn:test:" + UUID.randomUUID();

  /** A new active patient of identifier {@code value}: its id. */
  String created(String value) {
    Patient patient = new Patient().setActive(true);
    patient.addIdentifier().setSystem(system).setValue(value);
    return server.client().create().resource(patient).execute().getId().getIdPart();
  }

  /** The token of identifier {@code value}: {@code system|value}. */
  String token(String value) {
    return system + "|" + value;
  }

  /** The criteria that match identifier {@code value}, as a URL writes them ({@code identifier=urn%3A...%7Cvalue}). */
  String criteria(String value) {
    return "identifier=" + URLEncoder.encode(token(value), StandardCharsets.UTF_8);
  }

  /** The shared server as the proxy reaches it, through its API. */
  static FhirClient upstream() {
    return server.api().client(Caller.system("urn:test"), server.baseUrl());
  }
}
