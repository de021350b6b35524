package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LoadCommandTest {
  private static final int FILES = 1000;
  private final TestServer server = TestServer.shared();

  @TempDir
  Path dir;

  @Test
  void everythingLoadedExitsZero() throws IOException {
    Files.writeString(dir.resolve("patients.ndjson"), "{\"resourceType\":\"Patient\",\"id\":\"cli-1\"}\n");

    assertThat(run("load", dir.toString(), "--fhir", server.baseUrl()).code()).isZero();
  }

  @Test
  void aFailedFileExitsOneAndIsNamedWithItsReason() throws IOException {
    Files.writeString(dir.resolve("document.json"), "{\"resourceType\":\"Bundle\",\"type\":\"document\"}");

    Run run = run("load", dir.toString(), "--fhir", server.baseUrl());

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("document.json", "type 'document'");
  }

  @Test
  void aStopMidLoadSaysWhatWasLoadedAndThatRunningAgainDuplicatesNothing() throws Exception {
    String run = "sigint-" + System.nanoTime();
    // Enough files, one at a time, that the load still runs when the signal comes: 200 were all sent before it once.
    for (int n = 0; n < FILES; n++) {
      Files.writeString(dir.resolve(String.format("patient-%04d.ndjson", n)), "{\"resourceType\":\"Patient\",\"id\":\""
          + run + "-" + n + "\",\"identifier\":[{\"system\":\"urn:test\",\"value\":\"" + run + "\"}]}\n");
    }
    Path log = Files.createTempFile(dir.getParent(), "brazier-load", ".log");
    Process load = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Brazier.class.getName(), "load", dir.toString(), "--fhir",
        server.baseUrl(), "--concurrency", "1").redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      IGenericClient client = server.client();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      while (loaded(client, run) < 2 && load.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      // SIGTERM takes the path of Ctrl-C's SIGINT (the JVM's shutdown hooks), and unlike SIGINT it reaches a
      // process that a non-interactive shell started in the background (as CI runs the tests), which ignores SIGINT.
      new ProcessBuilder("kill", "-TERM", Long.toString(load.pid())).start().waitFor();

      assertThat(load.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(load.exitValue()).as(Files.readString(log)).isEqualTo(143);
      assertThat(Files.readString(log)).contains("Stopped before the end. Loaded ", "entries failed",
          "What was loaded stays", "Running the same command again sends every file again");
      assertThat(run("load", dir.toString(), "--fhir", server.baseUrl()).code()).isZero();
      assertThat(loaded(client, run)).as("each Patient stored once after the second run").isEqualTo(FILES);
    } finally {
      load.destroyForcibly().waitFor();
      Files.deleteIfExists(log);
    }
  }

  private static int loaded(IGenericClient client, String run) {
    return client.search().byUrl("Patient?identifier=urn:test|" + run).summaryMode(SummaryEnum.COUNT)
        .returnBundle(Bundle.class).execute().getTotal();
  }

  @Test
  void aServerThatWantsATokenStopsTheLoadAtOnceNamingTheTokenOptions() throws IOException {
    for (int n = 0; n < 3; n++) {
      Files.writeString(dir.resolve("patients-" + n + ".ndjson"), "{\"resourceType\":\"Patient\",\"id\":\"p\"}\n");
    }
    Serve serve = ServeArguments.parse("--auth", "--port", "0", "--data-dir", dir.resolve("data").toString());

    Run run;
    try (Serve.Running running = serve.start()) {
      run = run("load", dir.toString(), "--fhir", "http://127.0.0.1:" + running.server().port() + "/fhir");
    }

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("answered 401", "Authorization: Bearer", "--token-url", "--client-id",
        "--client-secret", "no file was loaded").doesNotContain("patients-0.ndjson");
  }

  @Test
  void usageErrorsExitTwoAndSayWhatToFix() {
    Run missing = run("load", dir.resolve("nope").toString());
    Run badEntries = run("load", dir.toString(), "--max-entries", "0");
    Run secretWithoutTokenUrl = run("load", dir.toString(), "--client-secret", "s");

    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("nope is neither a file, a folder nor a Blob container URL");
    assertThat(badEntries.code()).isEqualTo(2);
    assertThat(badEntries.err()).contains("--max-entries must be at least 1");
    assertThat(secretWithoutTokenUrl.code()).isEqualTo(2);
    assertThat(secretWithoutTokenUrl.err()).contains("need --token-url");
  }

  /** An account name that does not resolve (RFC 2606's .invalid never does): the host named, not the SDK's trace. */
  @Test
  void aBlobHostThatCannotBeReachedExitsTwoNamingItAndWhatToCheck() {
    Run run = run("load", "https://no-such-account.invalid/exports?sv=2023-11-03&sp=rl&sig=secret", "--fhir",
        server.baseUrl());

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("The Blob storage host no-such-account.invalid of"
        + " https://no-such-account.invalid/exports is not known: check the account name")
        .doesNotContain("UnknownHostException", "secret");
  }

  @Test
  void theLoaderWithoutAFolderOrAccountSaysWhichToGive() {
    Run run = run("loader");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("--dir DIR", "--blob");
  }

  @Test
  void loadAndLoaderHelpExplainEveryOption() {
    for (String name : new String[] {"load", "loader"}) {
      CommandLine command = Brazier.commandLine(new String[0]).getSubcommands().get(name);
      String help = command.getUsageMessage();
      command.getCommandSpec().options().forEach(option -> {
        assertThat(help).contains(option.longestName());
        assertThat(option.description()).as(option.longestName()).isNotEmpty();
      });
    }
  }

  record Run(int code, String err) {}

  private static Run run(String... args) {
    PrintStream stderr = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setErr(new PrintStream(printed, true));
    try {
      CommandLine command = Brazier.commandLine(args);
      int code = command.execute(args);
      command.getErr().flush();
      return new Run(code, printed.toString());
    } finally {
      System.setErr(stderr);
    }
  }
}
