package io.brazier.proxy.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.proxy.ClientRegistration;
import io.brazier.proxy.ClientsFile;
import io.brazier.proxy.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token server's clients as the file says, read again when it changes: looked at no more than twice a second,
 * a file that is not valid leaving the clients known before, a file removed leaving none.
 */
class RegisteredClientsTest {
  private static final String SECRET = "a-secret-of-sixteen-or-more";
  private static final Duration LOOK = Duration.ofMillis(500);

  @TempDir
  Path folder;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T00:00:00Z"));

  @Test
  void aClientAddedIsFoundAtTheNextLookAndNotBefore() {
    ClientsFile file = new ClientsFile(folder.resolve("clients.json"));
    RegisteredClients clients = new RegisteredClients(file, clock);
    assertThat(clients.find("reader")).isEmpty();

    file.add(client("reader"));

    assertThat(clients.find("reader")).as("within half a second of the last look").isEmpty();
    clock.advance(LOOK);
    assertThat(clients.find("reader")).hasValueSatisfying(found -> assertThat(found.roles())
        .containsExactly("Reader"));
  }

  @Test
  void aFileThatIsNotValidLeavesTheClientsKnownBefore() throws Exception {
    ClientsFile file = new ClientsFile(folder.resolve("clients.json"));
    file.add(client("reader"));
    RegisteredClients clients = new RegisteredClients(file, clock);
    assertThat(clients.find("reader")).isPresent();

    Files.writeString(file.path(), "{ this is not JSON");
    clock.advance(LOOK);

    assertThat(clients.find("reader")).isPresent();
  }

  @Test
  void aFileRemovedLeavesNoClients() throws Exception {
    ClientsFile file = new ClientsFile(folder.resolve("clients.json"));
    file.add(client("reader"));
    RegisteredClients clients = new RegisteredClients(file, clock);
    assertThat(clients.find("reader")).isPresent();

    Files.delete(file.path());
    clock.advance(LOOK);

    assertThat(clients.find("reader")).isEmpty();
  }

  @Test
  void aFileMovedIntoPlaceIsReadEvenWithTheSameTimeAndSize() throws Exception {
    Path path = folder.resolve("clients.json");
    ClientsFile file = new ClientsFile(path);
    file.add(client("reader-a"));
    RegisteredClients clients = new RegisteredClients(file, clock);
    assertThat(clients.find("reader-a")).isPresent();
    ClientsFile next = new ClientsFile(folder.resolve("next.json"));
    next.add(client("reader-b"));
    Files.setLastModifiedTime(next.path(), Files.getLastModifiedTime(path));

    Files.move(next.path(), path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    clock.advance(LOOK);

    assertThat(clients.find("reader-b")).isPresent();
    assertThat(clients.find("reader-a")).isEmpty();
  }

  private static ClientRegistration client(String id) {
    return ClientRegistration.withSecret(id, SECRET, List.of("Reader"), List.of(), null);
  }
}
