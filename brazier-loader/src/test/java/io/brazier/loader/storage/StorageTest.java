package io.brazier.loader.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.brazier.loader.storage.Storage.Claim;
import io.brazier.loader.storage.Storage.Stored;
import io.brazier.testkit.Azurite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the watching service relies on of every storage, checked on a local directory and on Azurite alike: the two
 * must not differ in what a write, a create, a move or a claim does.
 */
class StorageTest {
  private static final AtomicInteger FOLDERS = new AtomicInteger();

  @TempDir
  Path dir;

  /** The storages, each opened afresh as another loader on the same place would open it. */
  enum Kind {
    FOLDER(FolderStorage::new),
    BLOB(dir -> BlobStorage.connect(Azurite.shared().connectionString()));

    private final Function<Path, Storage> open;

    Kind(Function<Path, Storage> open) {
      this.open = open;
    }

    Storage open(Path dir) {
      return open.apply(dir);
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void preparingAgainKeepsTheFilesAndWritingAgainReplacesTheContentWhole(Kind kind) throws Exception {
    Storage storage = kind.open(dir);
    String in = folder("in");
    storage.prepare(List.of(in));
    storage.write(in, "a.json", bytes("a much longer first content"));

    storage.prepare(List.of(in));
    storage.write(in, "a.json", bytes("short"));

    assertThat(storage.list(in)).extracting(Stored::name, Stored::size).containsExactly(tuple("a.json", 5L));
    assertThat(read(storage, in, "a.json")).isEqualTo("short");
    assertThat(storage.kind()).isEqualTo(kind.name().toLowerCase());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void createNeverReplacesAFileAndAMoveReplacesWhatIsAtItsTarget(Kind kind) throws Exception {
    Storage storage = kind.open(dir);
    String in = folder("in");
    String done = folder("done");
    storage.prepare(List.of(in, done));
    storage.write(done, "a.json.processed", bytes("stale"));

    boolean created = storage.create(in, "a.json", bytes("first"));
    boolean again = kind.open(dir).create(in, "a.json", bytes("second"));
    storage.move(in, "a.json", done, "a.json.processed");
    storage.delete(in, "a.json");

    assertThat(created).isTrue();
    assertThat(again).isFalse();
    assertThat(storage.list(in)).isEmpty();
    assertThat(read(storage, done, "a.json.processed")).isEqualTo("first");
    assertThat(storage.create(in, "a.json", bytes("next"))).as("the name is free once moved").isTrue();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aClaimIsThisLoadersAloneAndItsAttemptsCountAcrossLoadersUntilTheFileIsMovedAndFinished(Kind kind)
      throws Exception {
    Storage one = kind.open(dir);
    Storage two = kind.open(dir);
    String in = folder("in");
    String done = folder("done");
    one.prepare(List.of(in, done));
    one.write(in, "a.json", bytes("{}"));
    Stored file = one.list(in).get(0);

    try (Claim first = one.claim(in, file).orElseThrow()) {
      assertThat(first.attempts()).isEqualTo(1);
      assertThat(two.claim(in, file)).as("held by the first loader").isEmpty();
    }
    try (Claim second = two.claim(in, file).orElseThrow()) {
      assertThat(second.attempts()).isEqualTo(2);
      two.move(in, "a.json", done, "a.json.processed");
      second.finish();
    }
    one.write(in, "a.json", bytes("{\"dropped\":\"again\"}"));
    try (Claim dropped = one.claim(in, one.list(in).get(0)).orElseThrow()) {
      assertThat(dropped.attempts()).as("a file dropped again starts counting anew").isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aClaimGivenBackLeavesTheFileInPlaceAndDoesNotCountItsAttempt(Kind kind) throws Exception {
    Storage one = kind.open(dir);
    String in = folder("in");
    one.prepare(List.of(in));
    one.write(in, "a.json", bytes("{}"));

    try (Claim killed = one.claim(in, one.list(in).get(0)).orElseThrow()) {
      assertThat(killed.attempts()).isEqualTo(1);
    }
    try (Claim refused = one.claim(in, one.list(in).get(0)).orElseThrow()) {
      assertThat(refused.attempts()).isEqualTo(2);
      refused.giveBack();
    }

    try (Claim next = one.claim(in, one.list(in).get(0)).orElseThrow()) {
      assertThat(next.attempts()).as("the attempt given back is not counted; the one before is").isEqualTo(2);
    }
    assertThat(one.list(in)).extracting(Stored::name).containsExactly("a.json");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aStagedFileIsWrittenFromDiskAndReadBackAsALocalFileUntilReleased(Kind kind) throws Exception {
    Storage storage = kind.open(dir);
    String in = folder("in");
    storage.prepare(List.of(in));
    Path staging = storage.staging();
    Path staged = Files.writeString(staging.resolve("entry.ndjson"), "{\"resourceType\":\"Patient\"}\n");

    storage.write(in, "archive.zip-entry.ndjson", staged);
    Path local = storage.local(in, "archive.zip-entry.ndjson");

    assertThat(local).hasContent("{\"resourceType\":\"Patient\"}");
    storage.release(local);
    assertThat(storage.list(in)).extracting(Stored::name).containsExactly("archive.zip-entry.ndjson");
    assertThat(storage.url(in, "archive.zip-entry.ndjson")).endsWith("archive.zip-entry.ndjson");
  }

  private static String read(Storage storage, String folder, String name) throws Exception {
    Stored stored = storage.list(folder).stream().filter(file -> file.name().equals(name)).findFirst().orElseThrow();
    return new String(storage.file(folder, stored).bytes(), StandardCharsets.UTF_8);
  }

  /** A folder (a container name too) of its own for each test. */
  private static String folder(String what) {
    return "storage-test-" + what + "-" + FOLDERS.incrementAndGet() + "-" + ProcessHandle.current().pid();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
