package io.brazier.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The processor chain on a secured server, with a processor of a jar of its own ({@link StampProvider}, found by
 * {@link java.util.ServiceLoader}) as pre- and post-processor.
 */
class ProcessorsTest {
  private static final SecuredServer SERVER = SecuredServer.start(new ProcessorConfig(List.of("stamp"),
      List.of("stamp"), null, Map.of("stamp.value", "brazier")));
  private static final IGenericClient CLIENT = SERVER.client("Writer", "Reader");
  private static final String READER = SERVER.bearer(List.of("Reader"), List.of());

  @AfterAll
  static void stop() {
    SERVER.close();
  }

  @Test
  void aProcessorOfAnotherJarAnswersARequestAndStampsEveryAnswer() {
    String id = CLIENT.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();

    Bundle stopped = CLIENT.search().byUrl(SERVER.baseUrl() + "/Patient?family=stop").returnBundle(Bundle.class)
        .execute();
    Http.Response read = SERVER.http().get("/fhir/Patient/" + id, "Authorization", READER);
    Http.Response answered = SERVER.http().get("/fhir/Patient?family=stop", "Authorization", READER);

    assertThat(stopped.getIdElement().getIdPart()).isEqualTo(StampProvider.ANSWERED);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.header("X-Stamp")).contains("brazier");
    assertThat(answered.header("X-Stamp")).as("post-processors see a pre-processor's answer").contains("brazier");
  }

  @Test
  void aPostProcessorChangesTheAnswersResourceInPlace() {
    Bundle tagged = CLIENT.search().byUrl(SERVER.baseUrl() + "/Patient?family=tagged").returnBundle(Bundle.class)
        .execute();

    assertThat(tagged.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    assertThat(tagged.getMeta().getTag(StampProvider.TAG_SYSTEM, "brazier")).isNotNull();
  }

  @Test
  void whatAProcessorAsksTheServerDoesNotPassTheChainAgain() {
    Bundle relayed = CLIENT.search().byUrl(SERVER.baseUrl() + "/Patient?family=relay").returnBundle(Bundle.class)
        .execute();

    assertThat(relayed.getIdElement().getIdPart()).isNotEqualTo(StampProvider.ANSWERED);
    assertThat(relayed.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
  }

  @Test
  void requestsWithoutATokenAreRefusedBeforeAnyProcessorSeesThem() {
    Http.Response anonymous = SERVER.http().get("/fhir/Patient?family=stop");

    assertThat(anonymous.status()).isEqualTo(401);
  }

  @Test
  void anUnknownNameIsRefusedWithTheNamesThereAre() {
    ProcessorConfig config = new ProcessorConfig(List.of("no-such"), List.of(), null, Map.of());

    assertThatThrownBy(() -> Processors.load(config, TestServer.shared().fhir()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--pre-processors")
        .hasMessageContaining("no-such").hasMessageContaining("stamp").hasMessageContaining("everything")
        .hasMessageContaining("profile-validation");
  }

  @Test
  void aProcessorNamedWhereItDoesNotBelongIsRefused() {
    ProcessorConfig config = new ProcessorConfig(List.of(), List.of("everything"), null, Map.of());

    assertThatThrownBy(() -> Processors.load(config, TestServer.shared().fhir()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--post-processors: everything is not a post-processor; name it in --pre-processors");
  }

  @Test
  void aProcessorsOwnSettingIsCheckedAtStart() {
    ProcessorConfig config = new ProcessorConfig(List.of(), List.of("stamp"), null, Map.of());

    assertThatThrownBy(() -> Processors.load(config, TestServer.shared().fhir()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stamp.value");
  }
}
