package io.brazier.loader.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.testkit.Azurite;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blob containers as the loader's folders, against the Azurite emulator (one per test JVM). */
class BlobStorageTest {
  private static final AtomicInteger CONTAINERS = new AtomicInteger();
  /** A name a user may well give a file: spaces, accents, a hash, a percent sign. */
  private static final String AWKWARD = "Patients 2024 – Zoë #1 50%.json";

  private final Azurite azurite = Azurite.shared();
  private final BlobStorage storage = BlobStorage.connect(azurite.connectionString());
  private final String in = container("in");
  private final String out = container("out");

  @TempDir
  Path dir;

  @Test
  void aFileWithAnAwkwardNameIsWrittenListedReadMovedAndDeletedUnderThatName() throws Exception {
    storage.prepare(List.of(in, out));
    byte[] content = "{\"resourceType\":\"Bundle\",\"type\":\"batch\"}".getBytes(StandardCharsets.UTF_8);

    storage.write(in, AWKWARD, content);
    Storage.Stored listed = storage.list(in).get(0);
    byte[] read = storage.file(in, listed).bytes();
    storage.move(in, AWKWARD, out, AWKWARD + ".processed");

    assertThat(listed.name()).isEqualTo(AWKWARD);
    assertThat(listed.size()).isEqualTo(content.length);
    assertThat(read).isEqualTo(content);
    assertThat(storage.list(in)).isEmpty();
    assertThat(storage.list(out)).extracting(Storage.Stored::name).containsExactly(AWKWARD + ".processed");
    storage.delete(out, AWKWARD + ".processed");
    assertThat(storage.list(out)).isEmpty();
  }

  @Test
  void aBlobsUrlIsInItsContainerOfTheAccount() throws Exception {
    storage.prepare(List.of(out));
    storage.write(out, "Patient-1.ndjson", "{\"resourceType\":\"Patient\"}\n".getBytes(StandardCharsets.UTF_8));

    String url = storage.url(out, "Patient-1.ndjson");

    assertThat(url).startsWith(azurite.blobEndpoint() + "/" + out + "/");
    assertThat(URI.create(url).getPath()).endsWith("/Patient-1.ndjson");
  }

  @Test
  void aGzippedBlobIsReadInflatedAndALocalCopyIsDroppedOnRelease() throws Exception {
    storage.prepare(List.of(in));
    Path staged = dir.resolve("lines.ndjson.gz");
    try (GZIPOutputStream gzip = new GZIPOutputStream(Files.newOutputStream(staged))) {
      gzip.write("{\"resourceType\":\"Patient\",\"id\":\"é\"}\n".getBytes(StandardCharsets.UTF_8));
    }
    storage.write(in, "lines.ndjson.gz", staged);

    Storage.Stored listed = storage.list(in).get(0);
    String inflated;
    try (InputStream content = storage.file(in, listed).content()) {
      inflated = new String(content.readAllBytes(), StandardCharsets.UTF_8);
    }
    Path local = storage.local(in, "lines.ndjson.gz");
    boolean copied = Files.size(local) == Files.size(staged);
    storage.release(local);

    assertThat(inflated).isEqualTo("{\"resourceType\":\"Patient\",\"id\":\"é\"}\n");
    assertThat(copied).isTrue();
    assertThat(local).doesNotExist();
  }

  @Test
  void aBlobThatIsNotThereIsNoSuchFileAndDeletingItIsFine() throws Exception {
    storage.prepare(List.of(in, out));

    assertThatThrownBy(() -> storage.local(in, "gone.json")).isInstanceOf(NoSuchFileException.class)
        .hasMessage(in + "/gone.json");
    assertThatThrownBy(() -> storage.move(in, "gone.json", out, "gone.json")).isInstanceOf(NoSuchFileException.class);
    storage.delete(in, "gone.json");
    assertThat(storage.list(out)).isEmpty();
  }

  @Test
  void aClaimedBlobIsNoOtherLoadersAndItsAttemptsAreCountedAcrossLoaders() throws Exception {
    storage.prepare(List.of(in));
    storage.write(in, "a.json", new byte[] {'{', '}'});
    Storage.Stored file = storage.list(in).get(0);
    BlobStorage otherLoader = BlobStorage.connect(azurite.connectionString());

    Optional<Storage.Claim> first = storage.claim(in, file);
    Optional<Storage.Claim> meanwhile = otherLoader.claim(in, file);
    first.orElseThrow().close();
    Optional<Storage.Claim> second = otherLoader.claim(in, file);

    assertThat(first).hasValueSatisfying(claim -> assertThat(claim.attempts()).isOne());
    assertThat(meanwhile).isEmpty();
    assertThat(second).hasValueSatisfying(claim -> assertThat(claim.attempts()).isEqualTo(2));
    second.orElseThrow().close();
  }

  @Test
  void aClaimedBlobIsMovedAndDeletedUnderItsLeaseByTheLoaderThatHoldsIt() throws Exception {
    storage.prepare(List.of(in, out));
    storage.write(in, "held.json", new byte[] {'{', '}'});
    storage.write(in, "other.json", new byte[] {'{', '}'});
    Storage.Claim held = storage.claim(in, storage.list(in).get(0)).orElseThrow();
    BlobStorage otherLoader = BlobStorage.connect(azurite.connectionString());

    assertThatThrownBy(() -> otherLoader.delete(in, "held.json")).isInstanceOf(IOException.class)
        .hasMessageContaining(in + "/held.json");
    storage.move(in, "held.json", out, "held.json.processed");
    held.close();

    assertThat(storage.list(in)).extracting(Storage.Stored::name).containsExactly("other.json");
    assertThat(storage.list(out)).extracting(Storage.Stored::name).containsExactly("held.json.processed");
  }

  @Test
  void createUploadsANewBlobButNeverReplacesOneWaitingOrLeased() throws Exception {
    storage.prepare(List.of(in, out));
    storage.write(in, "waiting.json", "waiting".getBytes(StandardCharsets.UTF_8));
    storage.write(in, "loading.json", "loading".getBytes(StandardCharsets.UTF_8));
    Storage.Stored loading = storage.list(in).stream().filter(file -> file.name().equals("loading.json"))
        .findFirst().orElseThrow();
    BlobStorage uploader = BlobStorage.connect(azurite.connectionString());

    try (Storage.Claim claim = storage.claim(in, loading).orElseThrow()) {
      assertThat(uploader.create(in, "new.json", "new".getBytes(StandardCharsets.UTF_8))).isTrue();
      assertThat(uploader.create(in, "waiting.json", "other".getBytes(StandardCharsets.UTF_8))).isFalse();
      assertThat(uploader.create(in, "loading.json", "other".getBytes(StandardCharsets.UTF_8))).isFalse();
      storage.move(in, "loading.json", out, "loading.json.processed");
      claim.finish();
    }

    assertThat(read(in, "waiting.json")).isEqualTo("waiting");
    assertThat(read(in, "new.json")).isEqualTo("new");
    assertThat(read(out, "loading.json.processed")).isEqualTo("loading");
    assertThat(uploader.create(in, "loading.json", "next".getBytes(StandardCharsets.UTF_8))).isTrue();
  }

  private String read(String container, String name) throws IOException {
    Storage.Stored file = storage.list(container).stream().filter(stored -> stored.name().equals(name)).findFirst()
        .orElseThrow();
    return new String(storage.file(container, file).bytes(), StandardCharsets.UTF_8);
  }

  private static String container(String what) {
    return "blob-storage-test-" + what + "-" + CONTAINERS.incrementAndGet() + "-" + ProcessHandle.current().pid();
  }
}
