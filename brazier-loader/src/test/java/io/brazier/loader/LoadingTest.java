package io.brazier.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.client.HttpFhirClient;
import io.brazier.loader.files.InputFile;
import io.brazier.loader.send.FileOutcome;
import io.brazier.loader.send.Sender;
import io.brazier.server.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One file of each kind into a real server, what progress hears of it, and the files that cannot be loaded. */
class LoadingTest {
  private static final TestServer server = TestServer.shared();
  private final Loading loading = new Loading(new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(),
      Duration.ofSeconds(90)), LoaderConfig.defaults().withSending(2, 100, 4).withRetries(0, Duration.ofMillis(1)),
      Sender.StopSending.NEVER);
  private final String prefix = UUID.randomUUID().toString().substring(0, 8);
  /** What progress heard, call by call. */
  private final List<Integer> heard = new CopyOnWriteArrayList<>();

  @TempDir
  Path dir;

  @AfterEach
  void close() {
    loading.close();
  }

  @Test
  void aGzippedNdjsonFileLoadsEveryLineAndProgressHearsEachBatchAddingUpToTheLines() throws Exception {
    Path file = write("patients.ndjson.gz", gzip(patients(10)));

    FileOutcome outcome = load(file);

    assertThat(outcome.succeeded()).as(outcome.reason()).isTrue();
    assertThat(outcome.loaded()).isEqualTo(10);
    assertThat(heard).hasSize(3).containsExactlyInAnyOrder(4, 4, 2);
    assertThat(server.client().read().resource(Patient.class).withId(prefix + "-9").execute()).isNotNull();
  }

  @Test
  void aBundleLoadsAndProgressHearsItsEntriesOnce() throws Exception {
    String entries = IntStream.range(0, 3).mapToObj(i -> """
        {"resource":{"resourceType":"Patient","id":"%1$s-%2$d"},"request":{"method":"PUT","url":"Patient/%1$s-%2$d"}}"""
        .formatted(prefix, i)).collect(Collectors.joining(","));
    Path file = write("bundle.json", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + entries
        + "]}");

    FileOutcome outcome = load(file);

    assertThat(outcome.succeeded()).as(outcome.reason()).isTrue();
    assertThat(outcome.loaded()).isEqualTo(3);
    assertThat(heard).containsExactly(3);
  }

  @Test
  void aFileOfAnotherKindIsUnusableAndSaysWhatTheLoaderReads() throws Exception {
    FileOutcome outcome = load(write("notes.txt", "hello"));

    assertThat(outcome.succeeded()).isFalse();
    assertThat(outcome.errors()).isEqualTo(1);
    assertThat(outcome.reason()).contains("bundles (*.json) and NDJSON (*.ndjson)");
    assertThat(heard).isEmpty();
  }

  @Test
  void aGzNameOverPlainDataSaysToCompressItOrDropTheGz() throws Exception {
    FileOutcome bundle = load(write("bundle.json.gz", "{\"resourceType\":\"Bundle\"}"));
    FileOutcome ndjson = load(write("lines.ndjson.gz", patients(1)));

    assertThat(List.of(bundle, ndjson)).allSatisfy(outcome -> {
      assertThat(outcome.succeeded()).isFalse();
      assertThat(outcome.reason()).contains("is not gzip data", "compress it again or drop the .gz");
    });
  }

  @Test
  void aTruncatedGzipCountsTheLinesLoadedBeforeItsEndAndFailsTheFileAsAWhole() throws Exception {
    byte[] whole = gzip("not JSON\n" + patients(200));
    Path file = write("cut.ndjson.gz", Arrays.copyOf(whole, whole.length * 2 / 3));

    FileOutcome outcome = load(file);

    assertThat(outcome.succeeded()).isFalse();
    assertThat(outcome.reason()).contains("could not be read past line", "The first rejected: line 1, not JSON");
    assertThat(outcome.rejected()).as("no lines to pick out: the file itself is to be fixed").isNull();
    assertThat(outcome.failed()).isEqualTo(1);
    int answered = heard.stream().mapToInt(Integer::intValue).sum();
    assertThat(answered).as("lines read before the end").isPositive().isLessThan(200);
    assertThat(outcome.loaded()).as("what progress heard was loaded").isEqualTo(answered);
    assertThat(server.client().read().resource(Patient.class).withId(prefix + "-0").execute()).isNotNull();
  }

  private FileOutcome load(Path file) throws InterruptedException {
    InputFile input = new InputFile(file.getFileName().toString(), file.toFile().length(),
        () -> Files.newInputStream(file));
    return loading.load(input, false, heard::add);
  }

  private String patients(int count) {
    return IntStream.range(0, count).mapToObj(i -> "{\"resourceType\":\"Patient\",\"id\":\"" + prefix + "-" + i
        + "\",\"name\":[{\"family\":\"Line" + i + "\"}]}\n").collect(Collectors.joining());
  }

  private Path write(String name, String content) throws IOException {
    return write(name, content.getBytes(StandardCharsets.UTF_8));
  }

  private Path write(String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }
}
