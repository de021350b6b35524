package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.testkit.NodeModules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Postman collection with newman, as pinned in the repository's {@code package.json} and installed in its
 * {@code node_modules} (by {@link NodeModules#ensure} when it is missing). Node.js must be installed.
 */
final class Newman {
  private static final ObjectMapper JSON = Jackson.MAPPER;

  /** What newman saw of one request: its name, status and body. */
  record Execution(String name, int status, String body) {}

  private final Path root;

  Newman() {
    try {
      this.root = NodeModules.repositoryRoot();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the collection with these variables set in the environment; every request's execution, in order. */
  List<Execution> run(Path collection, Path environment, Map<String, String> variables, Path workDir) {
    Path newman = installed();
    Path report = workDir.resolve("newman-report.json");
    List<String> command = new ArrayList<>(List.of(newman.toString(), "run", collection.toString(), "-e",
        environment.toString(), "--reporters", "cli,json", "--reporter-json-export", report.toString(),
        "--timeout-request", "120000", "--disable-unicode", "--color", "off"));
    variables.forEach((name, value) -> command.addAll(List.of("--env-var", name + "=" + value)));
    String output = execute(command, workDir.resolve("newman.log"), 600);
    assertThat(report).as("newman's report; its output:\n" + output).exists();
    return executions(report);
  }

  private Path installed() {
    execute(List.of("node", "--version"), null, 30);
    try {
      return NodeModules.ensure(root, "newman");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String execute(List<String> command, Path log, int seconds) {
    try {
      Path output = log != null ? log : Files.createTempFile("brazier-npm", ".log");
      Process process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
          .redirectOutput(output.toFile()).start();
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail(String.join(" ", command) + " took more than " + seconds + " s");
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      if (log == null && process.exitValue() != 0) {
        fail(String.join(" ", command) + " failed with exit code " + process.exitValue() + ":\n" + text);
      }
      return text;
    } catch (IOException e) {
      if (command.get(0).equals("node")) {
        fail("Node.js is needed to run newman and is not installed (" + e.getMessage() + "): install it, for"
            + " example with 'apt-get install nodejs npm'.");
      }
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static List<Execution> executions(Path report) {
    try {
      JsonNode run = JSON.readTree(report.toFile()).path("run");
      List<Execution> executions = new ArrayList<>();
      for (JsonNode execution : run.path("executions")) {
        JsonNode response = execution.path("response");
        StringBuilder body = new StringBuilder();
        for (JsonNode octet : response.path("stream").path("data")) {
          body.append((char) octet.asInt());
        }
        executions.add(new Execution(execution.path("item").path("name").asText(), response.path("code").asInt(),
            new String(body.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)));
      }
      return executions;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
