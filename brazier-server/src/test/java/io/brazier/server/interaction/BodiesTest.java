package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.Http;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bodies in lenient mode (--lenient); the strict default is tested with each interaction's bad input. */
class BodiesTest {
  private static TestServer lenient;

  @BeforeAll
  static void startALenientServer() {
    lenient = TestServer.onSharedStore(ServerConfig.builder().lenient(true).build());
  }

  @AfterAll
  static void stopIt() {
    lenient.close();
  }

  @Test
  void lenientModeDropsUnknownElementsAndInvalidValuesAndStoresTheRest() {
    String sloppy = """
        {"resourceType":"Patient","favouriteColour":"green","gender":"robot","birthDate":"1999-13-45",
         "name":[{"family":"Kept","nickname":"Bo"}]}""";

    Http.Response response = lenient.http().post("/fhir/Patient", sloppy);

    assertThat(response.status()).isEqualTo(201);
    Patient stored = lenient.http().get("/fhir/Patient/" + response.resource(Patient.class).getIdPart())
        .resource(Patient.class);
    assertThat(stored.getNameFirstRep().getFamily()).isEqualTo("Kept");
    assertThat(stored.hasGender()).isFalse();
    assertThat(stored.hasBirthDate()).isFalse();
    assertThat(lenient.http().get("/fhir/Patient/" + stored.getIdPart()).body()).doesNotContain("favouriteColour");
  }

  @Test
  void lenientModeSkipsTheRequiredBindings() {
    Http.Response response = lenient.http().post("/fhir/Condition", CreateTest.condition("robot"));

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.resource(Condition.class).getClinicalStatus().getCodingFirstRep().getCode()).isEqualTo("robot");
  }

  @Test
  void evenLenientModeRefusesANarrativeThatRunsAScriptAndStoresNothing() {
    String tag = java.util.UUID.randomUUID().toString();
    String scripted = """
        {"resourceType":"Patient","meta":{"tag":[{"system":"urn:narrative","code":"%s"}]},
         "text":{"status":"generated",
         "div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">hi<script>steal()</script></div>"}}"""
        .formatted(tag);

    Http.Response created = lenient.http().post("/fhir/Patient", scripted);
    Http.Response updated = lenient.http().put("/fhir/Patient/narrated",
        scripted.replace("\"Patient\",", "\"Patient\",\"id\":\"narrated\","));

    assertThat(created.status()).as(created.body()).isEqualTo(400);
    assertThat(created.body()).contains("Patient.text.div holds a <script> element");
    assertThat(updated.status()).as(updated.body()).isEqualTo(400);
    assertThat(lenient.http().get("/fhir/Patient?_tag=urn:narrative%7C" + tag).body()).contains("\"total\":0");
  }

  @Test
  void lenientModeSkipsTheRequiredElements() {
    Http.Response response = lenient.http().post("/fhir/Observation", "{\"resourceType\":\"Observation\"}");

    assertThat(response.status()).isEqualTo(201);
  }

  @Test
  void lenientModeStillRefusesWhatIsNoResourceOrNotTheUrlsType() {
    lenient.http().refused(400, "POST", "/fhir/Patient", "{\"resourceType\":\"Patient\",");
    lenient.http().refused(400, "POST", "/fhir/Patient", "{\"resourceType\":\"Observation\"}");
  }
}
