package io.brazier.proxy.token;

import io.brazier.proxy.ClientRegistration;
import io.brazier.proxy.ClientsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clients the token server knows, read from the clients file and read again when it changes: a token request
 * looks at the file's time and size at most every half second, so that {@code brazier clients add} takes effect
 * within a second on a running server, without a thread of its own. A file that is not valid leaves the clients
 * known before in place, and says so in the log.
 */
final class RegisteredClients {
  private static final Logger log = LoggerFactory.getLogger(RegisteredClients.class);
  private static final Duration LOOK_EVERY = Duration.ofMillis(500);

  /**
   * What the file looked like when it was read: a change of any means read it again (a file moved into place has
   * a new key, its inode, even within the same millisecond).
   */
  private record Stamp(Instant modified, long size, Object key) {}

  private final ClientsFile file;
  private final Clock clock;
  private Map<String, ClientRegistration> clients = Map.of();
  private Stamp read;
  private Instant lookedAt = Instant.MIN;

  RegisteredClients(ClientsFile file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  synchronized Optional<ClientRegistration> find(String id) {
    Instant now = clock.instant();
    if (!lookedAt.plus(LOOK_EVERY).isAfter(now)) {
      lookedAt = now;
      reloadIfChanged();
    }
    return Optional.ofNullable(clients.get(id));
  }

  private void reloadIfChanged() {
    Stamp current = stamp();
    if (current == null ? read == null && clients.isEmpty() : current.equals(read)) {
      return;
    }
    try {
      List<ClientRegistration> loaded = current == null ? List.of() : file.list();
      clients = loaded.stream().collect(Collectors.toMap(ClientRegistration::id, Function.identity()));
      read = current;
      log.info("Clients read file={} clients={}", file.path(), clients.size());
    } catch (IllegalArgumentException | UncheckedIOException e) {
      read = current; // said once per change of the file, not at every request
      log.warn("The clients file is not valid; the clients known before stay: {}", e.getMessage());
    }
  }

  private Stamp stamp() {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file.path(), BasicFileAttributes.class);
      return new Stamp(attributes.lastModifiedTime().toInstant(), attributes.size(), attributes.fileKey());
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("The clients file " + file.path() + " could not be read", e);
    }
  }
}
