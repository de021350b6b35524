package io.brazier.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.brazier.client.Jackson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The clients file ({@code --clients}, by default {@code <data-dir>/clients.json}): the clients of the built-in
 * token server, as JSON {@code {"clients": [...]}}. Changes lock the file against other writers and replace it
 * whole (a new file moved into place), so that a running server reading it never sees half a file; it is made
 * readable by its owner only, as it holds secret hashes.
 */
public final class ClientsFile {
  private static final ObjectMapper JSON = Jackson.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  /** The file's content. */
  record Content(List<ClientRegistration> clients) {
    Content {
      clients = clients == null ? List.of() : List.copyOf(clients);
    }
  }

  private final Path path;

  public ClientsFile(Path path) {
    this.path = path;
  }

  public Path path() {
    return path;
  }

  /** The registered clients, by id; none when the file does not exist. An invalid file is an exception saying so. */
  public List<ClientRegistration> list() {
    if (!Files.exists(path)) {
      return List.of();
    }
    try {
      return parse(Files.readAllBytes(path));
    } catch (IOException e) {
      throw new UncheckedIOException("The clients file " + path + " could not be read", e);
    }
  }

  public Optional<ClientRegistration> find(String id) {
    return list().stream().filter(client -> client.id().equals(id)).findFirst();
  }

  /** Registers a client, replacing one of the same id; returns whether one was replaced. */
  public boolean add(ClientRegistration client) {
    return change(clients -> {
      boolean replaced = clients.removeIf(known -> known.id().equals(client.id()));
      clients.add(client);
      return replaced;
    });
  }

  /** Removes a client; returns whether there was one. */
  public boolean remove(String id) {
    return change(clients -> clients.removeIf(known -> known.id().equals(id)));
  }

  /** The clients in {@code bytes}; an IllegalArgumentException naming the file when they are not valid. */
  private List<ClientRegistration> parse(byte[] bytes) {
    try {
      List<ClientRegistration> clients = JSON.readValue(bytes, Content.class).clients();
      long distinct = clients.stream().map(ClientRegistration::id).distinct().count();
      if (distinct != clients.size()) {
        throw new IllegalArgumentException("a client id is registered twice");
      }
      return clients;
    } catch (IOException | IllegalArgumentException e) {
      String reason = e.getCause() instanceof IllegalArgumentException cause ? cause.getMessage() : e.getMessage();
      throw new IllegalArgumentException("The clients file " + path + " is not valid: " + reason, e);
    }
  }

  private interface Change {
    boolean apply(List<ClientRegistration> clients);
  }

  private boolean change(Change change) {
    try {
      Files.createDirectories(path.toAbsolutePath().getParent());
      Path lockFile = path.resolveSibling(path.getFileName() + ".lock");
      try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        List<ClientRegistration> before = list();
        List<ClientRegistration> clients = new ArrayList<>(before);
        boolean answer = change.apply(clients);
        clients.sort(Comparator.comparing(ClientRegistration::id));
        if (!clients.equals(before)) {
          write(clients);
        }
        return answer;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("The clients file " + path + " could not be written", e);
    }
  }

  private void write(List<ClientRegistration> clients) throws IOException {
    Path temporary = path.resolveSibling(path.getFileName() + ".new");
    Files.deleteIfExists(temporary);
    try {
      Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
      Files.deleteIfExists(temporary);
      Files.createFile(temporary); // a file system without POSIX permissions
    }
    Files.write(temporary, bytes(clients));
    try {
      Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static byte[] bytes(List<ClientRegistration> clients) throws JsonProcessingException {
    return JSON.writeValueAsBytes(new Content(clients));
  }
}
