package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.brazier.server.LogLines;
import io.brazier.server.TestServer;
import io.brazier.sync.source.Resources;
import io.brazier.sync.target.DeadLetter;
import io.brazier.testkit.Eventually;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Person;
import org.junit.jupiter.api.Test;

class BackfillerTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String DEVICE = """
      {"resource": "Device", "table": "msemr_device", "enabled": %s, "attributes": [
        {"column": "msemr_lotnumber", "path": "lotNumber"}]}""";
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();

  @Test
  void aBackfillSyncsWhatExistedBeforeItsMapWasEnabled() throws Exception {
    String lot = "lot-" + UUID.randomUUID();
    for (int i = 0; i < 7; i++) {
      client.create().resource(new Device().setLotNumber(lot)).execute();
    }
    Path maps = Agents.maps("device.json", DEVICE.formatted("false"));
    TargetConfig target = TestTargets.inOtherDatabase();
    try (SyncAgent agent = Agents.start(server, target, pagesOfThree(maps))) {
      Eventually.within(DEADLINE, () -> assertThat(agent.status().sources().get(0).caughtUp()).isTrue());
      Files.writeString(maps.resolve("device.json"), DEVICE.formatted("true"));
      Eventually.within(DEADLINE, () -> assertThat(agent.maps().types()).contains("Device"));
      assertThat(devices(target, lot)).isZero();

      UUID job = agent.backfill(List.of());

      Eventually.within(DEADLINE, () -> assertThat(agent.status().backfills()).filteredOn(backfill -> backfill.id()
          .equals(job.toString())).singleElement().returns("done", SyncStatus.Backfill::status));
      assertThat(devices(target, lot)).isEqualTo(7);
      SyncStatus.Backfill done = agent.status().backfills().get(0);
      assertThat(done.types()).containsExactly("Device");
      assertThat(done.done()).isEqualTo(done.total()).isGreaterThanOrEqualTo(7);
    }
  }

  /**
   * A map's path that HAPI's FHIRPath engine throws on (TestMaps.person's nickname) is the map's error: that resource
   * is dead-lettered naming the map, the attribute and the path, and the back-fill writes the rest of its page and
   * finishes, rather than read that page again for ever.
   */
  @Test
  void aResourceWhoseMapsPathFailsOnItIsDeadLetteredNamingTheMapAndTheBackfillFinishes() throws Exception {
    String family = "family-" + UUID.randomUUID();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Person person = i == 1 ? TestMaps.unmappablePerson(family)
          : new Person().addName(new HumanName().setFamily(family));
      ids.add(client.create().resource(person).execute().getId().getIdPart());
    }
    Path maps = Agents.maps("person.json", TestMaps.person("\"enabled\": false,"));
    TargetConfig target = TestTargets.inOtherDatabase();
    try (SyncAgent agent = Agents.start(server, target, pagesOfThree(maps))) {
      Eventually.within(DEADLINE, () -> assertThat(agent.status().sources().get(0).caughtUp()).isTrue());
      Files.writeString(maps.resolve("person.json"), TestMaps.person(""));
      Eventually.within(DEADLINE, () -> assertThat(agent.maps().types()).contains("Person"));

      UUID job = agent.backfill(List.of());

      Eventually.within(DEADLINE, () -> assertThat(agent.status().backfills()).filteredOn(backfill -> backfill.id()
          .equals(job.toString())).singleElement().returns("done", SyncStatus.Backfill::status));
      assertThat(TestTargets.number(target, "SELECT count(*) FROM person WHERE lastname = ?", family)).isEqualTo(3);
      assertThat(agent.deadLetters(null, 100)).filteredOn(letter -> ids.contains(letter.resourceId()))
          .singleElement().returns(ids.get(1), DeadLetter::resourceId)
          .satisfies(letter -> assertThat(letter.error()).startsWith("Person/" + ids.get(1) + ": " + TestMaps.NICKNAME)
              .contains("StringIndexOutOfBoundsException"));
    }
  }

  /**
   * The FHIR server stopped for real while a back-fill counts its resources: the wait is warned of once, not at every
   * try, and its end said in one line once the server runs again; then the job finishes.
   */
  @Test
  void aBackfillWaitsOutAFhirServerOutageWarningOnceAndSayingWhenItIsOver() throws Exception {
    try (LogLines log = LogLines.from(Retries.class, Backfiller.class);
        StoppableFhirServer fhir = new StoppableFhirServer().start();
        SyncAgent agent = SyncAgent.start(fhir.client(), server.fhir(), TestTargets.inOtherDatabase(),
            Agents.config(Agents.maps("device.json", DEVICE.formatted("true"))), new SimpleMeterRegistry())) {
      Eventually.within(DEADLINE, () -> assertThat(agent.status().sources().get(0).caughtUp()).isTrue());
      fhir.stop();

      UUID job = agent.backfill(List.of());
      Eventually.within(DEADLINE, () -> assertThat(log.containing("waits out an outage")).isNotEmpty());
      Thread.sleep(5_000); // several tries, none a line of its own
      fhir.start();

      Eventually.within(DEADLINE, () -> assertThat(agent.status().backfills()).filteredOn(backfill -> backfill.id()
          .equals(job.toString())).singleElement().returns("done", SyncStatus.Backfill::status));
      List<ILoggingEvent> lines = log.containing("counting Device");
      assertThat(lines).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.INFO);
      assertThat(lines.get(0).getFormattedMessage()).startsWith("Sync waits out an outage before counting Device"
          + " again, retrying: The FHIR server " + fhir.client().name() + " could not be reached");
      assertThat(lines.get(1).getFormattedMessage())
          .matches("Sync goes on counting Device after \\d+ failed tries over \\d+\\.\\d s");
    }
  }

  /**
   * An Error on the thread that reads the next page (out of memory, of stack: here the stack overflows for real) is
   * nothing to read again: it comes out of the wait for that page as itself, so it ends back-fill and the health
   * names it (EndedThreads), rather than as a CompletionException, which back-fill would retry as if transient.
   */
  @Test
  void anErrorOnTheReadThreadComesOutOfTheWaitForItsPageAsItself() {
    CompletableFuture<Resources.Page> page = CompletableFuture.supplyAsync(() -> {
      deeper(0);
      return null;
    });

    assertThatThrownBy(() -> Backfiller.await(page)).isInstanceOf(StackOverflowError.class);
  }

  @Test
  void aBackfillOfATypeThatIsNotSyncedIsRefused() throws Exception {
    Path maps = Agents.maps("device.json", DEVICE.formatted("true"));
    try (SyncAgent agent = Agents.start(server, TestTargets.inOtherDatabase(), Agents.config(maps))) {
      assertThatThrownBy(() -> agent.backfill(List.of("Observation")))
          .hasMessage("Observation is not a synced type; the maps sync [Device]");
    }
  }

  /** The test maps, back-filled three resources a page. */
  private static SyncConfig pagesOfThree(Path maps) {
    SyncConfig config = Agents.config(maps);
    return new SyncConfig(config.workers(), config.maxAttempts(), false, false, config.feedPageSize(),
        config.feedWait(), 3, maps, config.mapsInterval(), config.conflicts(), null, false, config.unhealthyAfter());
  }

  /** A recursion without end: the real way a thread's stack overflows. */
  private static int deeper(int depth) {
    return deeper(depth + 1) + 1;
  }

  private static long devices(TargetConfig target, String lot) {
    return TestTargets.number(target, "SELECT count(*) FROM msemr_device WHERE msemr_lotnumber = ?", lot);
  }
}
