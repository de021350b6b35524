package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.app.Newman.Execution;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MC4H training's acceptance: its Postman collection, run by newman against {@code brazier serve --auth
 * --referential-integrity=lenient} with a client registered as Reader and Writer, gets the statuses of
 * {@code expected-statuses.tsv}: every read and write succeeds, except a delete of the literal {@code Patient/<Id>},
 * a Medication whose narrative is not well-formed XHTML, and the {@code $validate} sent without a token.
 */
class TrainingCollectionTest {
  private static final String SECRET = "mc4h-training-secret-0123456789";

  @TempDir
  Path dir;

  @Test
  void theTrainingsCollectionGetsTheExpectedStatusOnEveryRequest() throws Exception {
    Path clients = dir.resolve("clients.json");
    int added = Brazier.commandLine(new String[0]).execute("clients", "add", "mc4h-client", "--secret", SECRET,
        "--role", "Reader", "--role", "Writer", "--clients", clients.toString());
    assertThat(added).isZero();
    Serve serve = ServeArguments.parse("--auth", "--referential-integrity=lenient", "--port", "0", "--data-dir",
        dir.resolve("data").toString(), "--clients", clients.toString());

    List<Execution> executions;
    try (Serve.Running running = serve.start()) {
      String root = "http://127.0.0.1:" + running.server().port();
      executions = new Newman().run(resource("MC4H_Testing.postman_collection.json"),
          resource("brazier.postman_environment.json"), Map.of("authority", root, "tenantId", "training-tenant",
              "clientId", "mc4h-client", "clientSecret", SECRET, "resource", "", "fhirurl", root + "/fhir"), dir);
    }

    Map<String, String> expected = expectedStatuses();
    assertThat(executions).extracting(Execution::name).containsExactlyElementsOf(expected.keySet());
    for (Execution execution : executions) {
      String status = expected.get(execution.name());
      assertThat(status.equals("2xx") ? execution.status() / 100 * 100 : execution.status())
          .as(execution.name() + ": " + execution.body())
          .isEqualTo(status.equals("2xx") ? 200 : Integer.parseInt(status));
    }
    assertThat(body(executions, "Save Medication - Auto-Injector")).contains("XHTML").contains("Auto-Injector </p></b>");
    assertThat(body(executions, "Delete Patient")).contains("<Id>");
  }

  private static String body(List<Execution> executions, String name) {
    return executions.stream().filter(execution -> execution.name().equals(name)).findFirst().orElseThrow().body();
  }

  private static Map<String, String> expectedStatuses() throws IOException, URISyntaxException {
    Map<String, String> expected = new LinkedHashMap<>();
    for (String line : Files.readAllLines(resource("expected-statuses.tsv"))) {
      if (!line.startsWith("#") && !line.isBlank()) {
        String[] columns = line.split("\t");
        expected.put(columns[0], columns[1]);
      }
    }
    return expected;
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(TrainingCollectionTest.class.getResource("/mc4h/" + name).toURI());
  }
}
