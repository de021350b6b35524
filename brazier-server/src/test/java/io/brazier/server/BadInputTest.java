package io.brazier.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of bad input, as careless or hostile clients send it: each is refused with its 4xx status and an
 * OperationOutcome, fast, and writes nothing. Never a 500, a stack trace, a hang or a partial write.
 */
class BadInputTest {
  private static final String JSON = "application/fhir+json";
  private static final String XML = "application/fhir+xml";
  private static final String PATIENT_XML = "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"";
  private static final String NAMED = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"";

  private final TestServer server = TestServer.shared();
  private final String patient = server.http().post("/fhir/Patient", "{\"resourceType\":\"Patient\"}")
      .resource(org.hl7.fhir.r4.model.Patient.class).getIdPart();

  static Stream<Arguments> corpus() {
    return Stream.of(
        refused(400, "POST", "/fhir/Patient", JSON, text(NAMED + "Nul\\u0000\"}]}")),
        refused(400, "POST", "/fhir/Patient", JSON, text(NAMED + "Escape\\u001b[31m\"}]}")),
        refused(400, "POST", "/fhir/Patient", XML, text("<?xml version=\"1.1\"?>" + PATIENT_XML + "&#1;\"/></name>"
            + "</Patient>")),
        refused(400, "POST", "/fhir/Patient", XML, bytes(text(PATIENT_XML + "a"), new byte[] {(byte) 0xC3, '('},
            text("\"/></name></Patient>"))),
        refused(400, "POST", "/fhir/Patient", JSON, bytes(text(NAMED + "a"), new byte[] {(byte) 0xFF},
            text("\"}]}"))),
        refused(400, "POST", "/fhir/Patient", JSON, text("{\"resourceType\":\"Patient\",\"extension\":"
            + "[".repeat(100_000) + "]".repeat(100_000) + "}")),
        refused(400, "POST", "/fhir/Patient", XML, text("<Patient xmlns=\"http://hl7.org/fhir\">"
            + "<extension url=\"http://x\">".repeat(20_000) + "</extension>".repeat(20_000) + "</Patient>")),
        refused(400, "POST", "/fhir/Patient", XML, text("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
            + "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>" + PATIENT_XML + "&lol2;\"/></name>"
            + "</Patient>")),
        refused(400, "POST", "/fhir/Patient", XML, text("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM"
            + " \"file:///etc/passwd\">]>" + PATIENT_XML + "&e;\"/></name></Patient>")),
        refused(400, "POST", "/fhir/Patient", JSON, text("{\"resourceType\":\"Patient\",\"" + "k".repeat(100_000)
            + "\":1}")),
        refused(400, "POST", "/fhir/Patient", JSON, text("{\"resourceType\":\"Patient\",\"multipleBirthInteger\":"
            + "1e999999999}")),
        refused(400, "POST", "/fhir/Patient", JSON, text("{\"resourceType\":\"Patient\",\"active\":\"true\"}")),
        refused(400, "PUT", "/fhir/Patient/typed", JSON, text("{\"resourceType\":\"Patient\",\"id\":\"typed\","
            + "\"multipleBirthInteger\":\"2\"}")),
        refused(400, "POST", "/fhir", JSON, text("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
            + "{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
            + "\"valueQuantity\":{\"value\":\"5.4\"}},\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}")),
        refused(400, "POST", "/fhir/Patient", JSON, text("null")),
        refused(400, "POST", "/fhir/Patient", JSON, new byte[0]),
        refused(415, "POST", "/fhir/Patient", "text/bogus", text("{\"resourceType\":\"Patient\"}")),
        refused(400, "POST", "/fhir", JSON, text("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
            + "{\"resource\":" + NAMED + "a\\u0000\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}")),
        refused(400, "GET", "/fhir/Patient/" + "a".repeat(5000), null, null),
        refused(400, "GET", "/fhir/Patient?name=a%00b", null, null),
        refused(400, "GET", "/fhir/Patient?name=a%07b", null, null),
        refused(400, "GET", "/fhir/Patient?" + "name=x&".repeat(40) + "active=true", null, null),
        refused(400, "POST", "/fhir/Patient/_search", "application/x-www-form-urlencoded",
            text("name=x&".repeat(20_000))),
        refused(400, "GET", "/fhir/Patient?_filter=" + "(".repeat(2000) + "name%20eq%20x" + ")".repeat(2000), null,
            null),
        refused(400, "GET", "/fhir/Patient?birthdate=2020-02-30", null, null),
        refused(400, "GET", "/fhir/Patient?_count=abc", null, null),
        refused(422, "POST", "/fhir/SearchParameter", JSON, text("{\"resourceType\":\"SearchParameter\",\"url\":"
            + "\"http://x/deep\",\"name\":\"x\",\"status\":\"active\",\"description\":\"x\",\"code\":\"deep\","
            + "\"base\":[\"Patient\"],\"type\":\"string\",\"expression\":\"Patient.name" + ".where(true)".repeat(3000)
            + "\"}")));
  }

  /** Patches of the one patient: their bodies name it. */
  static Stream<Arguments> patches() {
    return Stream.of(
        Arguments.of("application/json-patch+json",
            "[{\"op\":\"add\",\"path\":\"/multipleBirthInteger\",\"value\":1e999999999}]"),
        Arguments.of("application/json-patch+json",
            "[{\"op\":\"add\",\"path\":\"/name\",\"value\":[{\"family\":\"a\\u0000b\"}]}]"),
        Arguments.of(JSON, "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"operation\",\"part\":["
            + "{\"name\":\"type\",\"valueCode\":\"delete\"},{\"name\":\"path\",\"valueString\":\""
            + "(".repeat(5000) + "Patient.name" + ")".repeat(5000) + "\"}]}]}"));
  }

  @ParameterizedTest(name = "[{index}] {0} on {1}")
  @MethodSource("corpus")
  void isRefusedWithAnOperationOutcomeAndWritesNothing(int status, String method, String path, String contentType,
      byte[] body) {
    server.http().refused(status, method, path, body, contentType == null ? new String[0]
        : new String[] {"Content-Type", contentType});
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("patches")
  void aPatchIsRefusedWithAnOperationOutcomeAndWritesNothing(String contentType, String patch) {
    server.http().refused(400, "PATCH", "/fhir/Patient/" + patient, text(patch), "Content-Type", contentType);
  }

  private static Arguments refused(int status, String method, String path, String contentType, byte[] body) {
    return Arguments.of(status, method, path, contentType, body);
  }

  private static byte[] text(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
