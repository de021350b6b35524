package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.TestServer;
import io.brazier.store.ResourceVersion;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CurrentsTest {
  private final TestServer server = TestServer.shared();

  @Test
  void aTransactionsTargetsAreReadAsTheyAreStoredDeletionsIncluded() {
    String kept = stored("Basic");
    String deleted = stored("Basic");
    server.http().send("DELETE", "/fhir/Basic/" + deleted, null);
    String neverStored = UUID.randomUUID().toString();

    Currents currents = Currents.read(server.store(), List.of(
        new Target("Basic", List.of(kept, deleted), null, false), Target.of("Basic", neverStored, null)));

    assertThat(currents.of("Basic", kept)).get().extracting(ResourceVersion::version, ResourceVersion::deleted)
        .containsExactly(1, false);
    assertThat(currents.of("Basic", deleted)).get().extracting(ResourceVersion::version, ResourceVersion::deleted)
        .containsExactly(2, true);
    assertThat(currents.of("Basic", neverStored)).isEmpty();
  }

  @Test
  void aResourceNoTargetNamedIsReadFromTheStore() {
    String other = stored("Basic");

    Currents currents = Currents.read(server.store(), List.of(Target.of("Basic", UUID.randomUUID().toString(), null)));

    assertThat(currents.of("Basic", other)).get().extracting(ResourceVersion::version).isEqualTo(1);
  }

  private String stored(String type) {
    String id = UUID.randomUUID().toString();
    server.http().put("/fhir/" + type + "/" + id, """
        {"resourceType": "%s", "id": "%s", "code": {"text": "current"}}""".formatted(type, id));
    return id;
  }
}
