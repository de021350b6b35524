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
    lenient = TestServer.onSharedStore(ServerConfig.defaults().withLenient(true));
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
