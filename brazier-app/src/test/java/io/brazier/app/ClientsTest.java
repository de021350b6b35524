package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.proxy.ClientsFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientsTest {
  @TempDir
  Path dir;

  /** What a command printed, and its exit code. */
  private record Run(int exitCode, String out, String err) {}

  @Test
  void addListAndRemoveAClientInTheDataDirectory() {
    Run added = run("clients", "add", "my-app", "--secret", "a-secret-long-enough", "--role", "Reader",
        "--role", "Writer", "--scope", "system/Patient.rs", "--data-dir", dir.toString());
    Run listed = run("clients", "list", "--data-dir", dir.toString());
    Run removed = run("clients", "remove", "my-app", "--data-dir", dir.toString());

    assertThat(added.exitCode()).isZero();
    assertThat(added.out()).contains("Added client my-app");
    assertThat(listed.out()).contains("my-app").contains("secret").contains("Reader,Writer")
        .contains("system/Patient.rs").doesNotContain("a-secret-long-enough").doesNotContain("pbkdf2");
    assertThat(removed.exitCode()).isZero();
    assertThat(new ClientsFile(dir.resolve("clients.json")).list()).isEmpty();
  }

  @Test
  void aGeneratedSecretIsPrintedOnceAndKeptOnlyAsItsHash() throws Exception {
    Path file = dir.resolve("elsewhere.json");

    Run added = run("clients", "add", "generated", "--generate-secret", "--role", "Reader", "--clients",
        file.toString());

    String secret = added.out().substring(added.out().indexOf("shown once): ") + "shown once): ".length()).trim();
    assertThat(secret).hasSizeGreaterThanOrEqualTo(40);
    assertThat(Files.readString(file)).doesNotContain(secret);
  }

  @Test
  void patientScopesWithoutThePatientTheyAreForAreRefused() {
    Run noPatient = run("clients", "add", "app", "--secret", "a-secret-long-enough", "--scope", "patient/*.rs",
        "--data-dir", dir.toString());
    Run withPatient = run("clients", "add", "app", "--secret", "a-secret-long-enough", "--scope", "patient/*.rs",
        "--fhir-user", "Patient/p1", "--data-dir", dir.toString());

    assertThat(noPatient.exitCode()).isEqualTo(1);
    assertThat(noPatient.err()).contains("--fhir-user Patient/ID");
    assertThat(withPatient.exitCode()).isZero();
    assertThat(new ClientsFile(dir.resolve("clients.json")).list()).hasSize(1);
  }

  @Test
  void aBadClientIsRefusedWithASentenceAndNothingWritten() {
    Run shortSecret = run("clients", "add", "app", "--secret", "short", "--data-dir", dir.toString());
    Run badRole = run("clients", "add", "app", "--secret", "a-secret-long-enough", "--role", "Boss", "--data-dir",
        dir.toString());
    Run unknown = run("clients", "remove", "nobody", "--data-dir", dir.toString());
    Run noCredential = run("clients", "add", "app", "--role", "Reader", "--data-dir", dir.toString());

    assertThat(shortSecret.exitCode()).isEqualTo(1);
    assertThat(shortSecret.err()).contains("16 characters");
    assertThat(badRole.err()).contains("'Boss' is not a role");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("no client nobody");
    assertThat(noCredential.exitCode()).isEqualTo(2);
    assertThat(Files.exists(dir.resolve("clients.json"))).isFalse();
  }

  @Test
  void serveRefusesANetworkAddressWithoutAuthentication() {
    Run open = run("serve", "--host", "0.0.0.0", "--data-dir", dir.toString());

    assertThat(open.exitCode()).isEqualTo(2);
    assertThat(open.err()).contains("--host 0.0.0.0").contains("--auth").contains("--insecure");
  }

  @Test
  void serveRefusesABadSecurityFlagBeforeItStarts() {
    Run category = run("serve", "--auth", "--consent-category", "59284-0", "--data-dir", dir.toString());
    Run cache = run("serve", "--auth", "--consent-cache", "PT2H", "--data-dir", dir.toString());

    assertThat(category.exitCode()).isEqualTo(2);
    assertThat(category.err()).contains("--consent-category is system|code").contains("'59284-0'");
    assertThat(cache.exitCode()).isEqualTo(2);
    assertThat(cache.err()).contains("--consent-cache must be between 0 and an hour");
    assertThat(dir).isEmptyDirectory();
  }

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      var commandLine = Brazier.commandLine(args);
      commandLine.setErr(new java.io.PrintWriter(System.err, true));
      int exitCode = commandLine.execute(args);
      return new Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }
}
