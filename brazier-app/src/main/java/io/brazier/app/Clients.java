package io.brazier.app;

import com.fasterxml.jackson.core.type.TypeReference;
import io.brazier.client.Jackson;
import io.brazier.proxy.ClientRegistration;
import io.brazier.proxy.ClientsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code brazier clients}: the clients of the built-in token server, in the clients file a running server reads. */
@Command(
    name = "clients",
    mixinStandardHelpOptions = true,
    description = {"Registers, lists and removes the clients of the token server (brazier serve --auth).",
        "A running server picks up changes within a second."},
    subcommands = {Clients.Add.class, Clients.Listing.class, Clients.Remove.class})
final class Clients implements Runnable {

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** Where the clients file is. */
  static final class Location {
    @Option(names = "--data-dir", defaultValue = "./brazier-data", paramLabel = "DIR",
        description = "The server's data directory; the file is <data-dir>/clients.json (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--clients", paramLabel = "FILE", description = "The clients file, if not in the data directory.")
    Path clients;

    ClientsFile file() {
      return new ClientsFile(clients != null ? clients : dataDir.resolve("clients.json"));
    }
  }

  /** Runs a change, printing what went wrong in a sentence (exit 1) rather than a stack trace. */
  private static int run(Callable<String> change) {
    try {
      System.out.println(change.call());
      return 0;
    } catch (Exception e) {
      System.err.println(e.getMessage());
      return 1;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Registers a client (or replaces the one of that id) that proves itself with a secret"
          + " (kept only as a slow salted hash) or with its public keys (private_key_jwt).")
  static final class Add implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "The client id (A-Z a-z 0-9 . _ ~ -).")
    String id;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Credential credential;

    static final class Credential {
      @Option(names = "--secret", paramLabel = "SECRET",
          description = "Its secret, 16 characters or more (prefer BRAZIER_SECRET to the command line).")
      String secret;

      @Option(names = "--generate-secret", description = "Make a random secret and print it, once.")
      boolean generate;

      @Option(names = "--jwks-url", paramLabel = "URL", description = "Where its public keys are published.")
      String jwksUrl;

      @Option(names = "--jwks", paramLabel = "FILE", description = "A file of its public keys (a JWK Set).")
      Path jwks;
    }

    @Option(names = "--role", paramLabel = "ROLE", split = ",",
        description = "A role its tokens carry: Reader, Writer, Administrator, Patient, Practitioner, RelatedPerson"
            + " (repeatable).")
    List<String> roles = List.of();

    @Option(names = "--scope", paramLabel = "SCOPE", split = " ",
        description = "A SMART scope its tokens may carry, such as system/*.rs (repeatable).")
    List<String> scopes = List.of();

    @Option(names = "--fhir-user", paramLabel = "TYPE/ID", description = "The FHIR resource it acts as.")
    String fhirUser;

    @Mixin
    Location location = new Location();

    @Override
    public Integer call() {
      return run(() -> {
        requirePatientContext();
        String secret = credential.generate ? randomSecret() : credential.secret;
        ClientRegistration client = secret != null
            ? ClientRegistration.withSecret(id, secret, roles, scopes, fhirUser)
            : new ClientRegistration(id, null, credential.jwksUrl, jwks(credential.jwks), roles, scopes, fhirUser);
        ClientsFile file = location.file();
        boolean replaced = file.add(client);
        String done = (replaced ? "Replaced" : "Added") + " client " + id + " in " + file.path() + ".";
        return credential.generate ? done + "\nIts secret (shown once): " + secret : done;
      });
    }

    /**
     * A client of this token server has no launch that picks a patient: its tokens speak for the patient it acts as,
     * and patient scopes without one would let them see nothing at all.
     */
    private void requirePatientContext() {
      if (fhirUser == null && scopes.stream().anyMatch(scope -> scope.startsWith("patient/"))) {
        throw new IllegalArgumentException("patient/ scopes need --fhir-user Patient/ID, the patient its tokens"
            + " speak for; without one they would find nothing. For all patients use system/ scopes.");
      }
    }

    private static Map<String, Object> jwks(Path file) {
      if (file == null) {
        return null;
      }
      try {
        return Jackson.MAPPER.readValue(Files.readAllBytes(file), new TypeReference<Map<String, Object>>() {});
      } catch (IOException e) {
        throw new IllegalArgumentException("--jwks " + file + " is not a readable JSON file: " + e.getMessage(), e);
      }
    }

    private static String randomSecret() {
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists the clients: id, how each proves itself, roles, scopes, FHIR user (never a secret).")
  static final class Listing implements Callable<Integer> {
    @Mixin
    Location location = new Location();

    @Override
    public Integer call() {
      return run(() -> {
        List<ClientRegistration> clients = location.file().list();
        if (clients.isEmpty()) {
          return "No clients in " + location.file().path() + ".";
        }
        StringBuilder table = new StringBuilder(String.format("%-36s %-40s %-30s %s%n", "ID", "CREDENTIAL", "ROLES",
            "SCOPES"));
        for (ClientRegistration client : clients) {
          table.append(String.format("%-36s %-40s %-30s %s%s%n", client.id(), client.credential(),
              String.join(",", client.roles()), String.join(" ", client.scopes()),
              client.fhirUser() == null ? "" : " (as " + client.fhirUser() + ")"));
        }
        return table.toString().stripTrailing();
      });
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Removes a client: it gets no more tokens (those it has live out their few minutes).")
  static final class Remove implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "The client id.")
    String id;

    @Mixin
    Location location = new Location();

    @Override
    public Integer call() {
      return run(() -> {
        if (!location.file().remove(id)) {
          throw new IllegalArgumentException("There is no client " + id + " in " + location.file().path() + ".");
        }
        return "Removed client " + id + ".";
      });
    }
  }
}
