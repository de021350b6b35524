package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Runs {@code $import} on a test server as a client would: kick-off, polls, the manifest and its error files. */
final class Importer {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final Duration DEADLINE = Duration.ofMinutes(3);

  private final TestServer server;

  Importer(TestServer server) {
    this.server = server;
  }

  /** An input: a resource type, a URL and the ETag it must have (null: any). */
  record Input(String type, String url, String etag) {
    Input(String type, String url) {
      this(type, url, null);
    }
  }

  /** The Parameters of an import of these inputs in {@code mode} (null: none given). */
  static String parameters(String mode, Input... inputs) {
    ObjectNode parameters = JSON.createObjectNode().put("resourceType", "Parameters");
    ArrayNode list = parameters.putArray("parameter");
    list.addObject().put("name", "inputFormat").put("valueString", "application/fhir+ndjson");
    if (mode != null) {
      list.addObject().put("name", "mode").put("valueString", mode);
    }
    for (Input input : inputs) {
      ArrayNode parts = list.addObject().put("name", "input").putArray("part");
      parts.addObject().put("name", "type").put("valueString", input.type());
      parts.addObject().put("name", "url").put("valueUri", input.url());
      if (input.etag() != null) {
        parts.addObject().put("name", "etag").put("valueString", input.etag());
      }
    }
    return parameters.toString();
  }

  /** Kicks off an import: the 202 with its Content-Location. */
  Http.Response start(String parameters) {
    Http.Response started = server.http().post("/fhir/$import", parameters, "Prefer", "respond-async");
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    assertThat(started.header("Content-Location")).isPresent();
    return started;
  }

  /** Runs an import to its end; its manifest. */
  JsonNode run(String mode, Input... inputs) {
    return manifest(await(status(start(parameters(mode, inputs)))));
  }

  /** The path of the status URL of a started import. */
  String status(Http.Response started) {
    return started.header("Content-Location").orElseThrow().substring(server.rootUrl().length());
  }

  /** Polls until the job has ended: its final answer. */
  Http.Response await(String status) {
    return pollUntil(status, response -> response.status() != 202);
  }

  /** Polls (every 10 ms) until {@code done} holds for an answer; that answer. */
  Http.Response pollUntil(String status, Predicate<Http.Response> done) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      Http.Response polled = server.http().get(status);
      if (done.test(polled)) {
        return polled;
      }
      if (polled.status() != 202) {
        throw new AssertionError("The import ended first: " + polled.status() + " " + polled.body());
      }
      assertThat(polled.header("Retry-After")).isPresent();
      if (System.nanoTime() > deadline) {
        throw new AssertionError("The import did not end within " + DEADLINE + ": " + polled.header("X-Progress"));
      }
      sleep(10);
    }
  }

  static JsonNode manifest(Http.Response done) {
    assertThat(done.status()).as(done.body()).isEqualTo(200);
    assertThat(done.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("application/json"));
    try {
      return JSON.readTree(done.bytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines of an error file the manifest links to, each an OperationOutcome's JSON. */
  List<JsonNode> errors(JsonNode manifest, String inputUrl) {
    for (JsonNode error : manifest.path("error")) {
      if (error.path("inputUrl").asText().equals(inputUrl)) {
        Http.Response file = server.http().get(error.path("url").asText().substring(server.rootUrl().length()));
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("ndjson"));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : file.body().split("\n")) {
          try {
            lines.add(JSON.readTree(line));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        assertThat(lines).hasSize(error.path("count").asInt());
        return lines;
      }
    }
    return List.of();
  }

  /** The diagnostics of each error line of an input. */
  List<String> diagnostics(JsonNode manifest, String inputUrl) {
    return errors(manifest, inputUrl).stream()
        .map(outcome -> outcome.path("issue").get(0).path("diagnostics").asText()).toList();
  }

  /** How many lines of an input the manifest counts as imported. */
  static long count(JsonNode manifest, String inputUrl) {
    return output(manifest, inputUrl).path("count").asLong();
  }

  /** How many of the lines of an input that the manifest counts as imported it wrote as a version. */
  static long written(JsonNode manifest, String inputUrl) {
    JsonNode output = output(manifest, inputUrl);
    assertThat(output.has("written")).as("written in " + output).isTrue();
    return output.path("written").asLong();
  }

  private static JsonNode output(JsonNode manifest, String inputUrl) {
    for (JsonNode output : manifest.path("output")) {
      if (output.path("inputUrl").asText().equals(inputUrl)) {
        return output;
      }
    }
    throw new AssertionError("No output for " + inputUrl + " in " + manifest);
  }

  /** Writes these lines as an NDJSON file; its file: URL. */
  static String ndjson(Path file, List<String> lines) {
    try {
      Files.writeString(file, String.join("\n", lines) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file.toUri().toString();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
