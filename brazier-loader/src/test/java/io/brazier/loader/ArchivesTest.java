package io.brazier.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.loader.storage.FolderStorage;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dropped zip archives unpacked into the input folders, as real tools make them, broken ones included. */
class ArchivesTest {
  private static final String PATIENT = "{\"resourceType\":\"Patient\",\"id\":\"z1\"}\n";
  private static final String BATCH = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[]}";

  @TempDir
  Path dir;

  private Archives archives;

  @BeforeEach
  void prepare() throws IOException {
    FolderStorage storage = new FolderStorage(dir);
    storage.prepare(Folders.ALL);
    archives = new Archives(storage, new Results(storage));
  }

  @Test
  void entriesLandInTheirFoldersUnderTheArchivesNameNumberedWhenTheirNamesMeet() throws Exception {
    drop("Export 2024.zip", Samples.zip("a/Patient.ndjson", PATIENT, "b/Patient.ndjson", PATIENT,
        "bundles/one.JSON", BATCH, "readme.txt", "skipped", "empty/", ""));

    boolean unpacked = archives.unpack("Export 2024.zip");

    assertThat(unpacked).isTrue();
    assertThat(names("ndjson")).containsExactlyInAnyOrder("export-2024-patient.ndjson", "export-2024-patient-2.ndjson");
    assertThat(names("bundles")).containsExactly("export-2024-one.json");
    assertThat(names("zipprocessed")).containsExactly("Export 2024.zip");
    assertThat(names("zip")).isEmpty();
  }

  @Test
  void anEntryNamedToClimbOutOfTheFolderStaysInIt() throws Exception {
    drop("evil.zip", Samples.zip("../../../outside.json", BATCH, "/abs/olute.ndjson", PATIENT));

    archives.unpack("evil.zip");

    assertThat(names("bundles")).containsExactly("evil-outside.json");
    assertThat(names("ndjson")).containsExactly("evil-olute.ndjson");
    assertThat(dir.getParent().resolve("outside.json")).doesNotExist();
  }

  @Test
  void gzippedEntriesKeepTheirGzipSoTheyAreReadInflated() throws Exception {
    drop("gz.zip", Samples.zip("Observation.ndjson.gz", "not really gzip, but named so"));

    archives.unpack("gz.zip");

    assertThat(names("ndjson")).containsExactly("gz-observation.ndjson.gz");
  }

  @Test
  void theHiddenFilesAMacAddsToItsArchivesAreNotLoaded() throws Exception {
    drop("mac.zip", Samples.zip("Patient.ndjson", PATIENT, "__MACOSX/._Patient.ndjson", "\u0000\u0005\u0016\u0007Mac",
        ".DS_Store", "binary", "data/._Bundle.json", "\u0000\u0005", "data/Bundle.json", BATCH));

    archives.unpack("mac.zip");

    assertThat(names("ndjson")).containsExactly("mac-patient.ndjson");
    assertThat(names("bundles")).containsExactly("mac-bundle.json");
  }

  @Test
  void anArchiveWhoseNamesAreNotUtf8IsStillUnpacked() throws Exception {
    drop("windows.zip", Samples.zip(Charset.forName("IBM437"), "Müller.ndjson", PATIENT));

    boolean unpacked = archives.unpack("windows.zip");

    assertThat(unpacked).isTrue();
    assertThat(names("ndjson")).singleElement().satisfies(name -> assertThat(name).startsWith("windows-m")
        .endsWith("ller.ndjson"));
  }

  @Test
  void anEntryWhoseContentDoesNotMatchItsChecksumSendsTheWholeArchiveToTheErrorFolder() throws Exception {
    byte[] zip = Samples.stored("first.ndjson", PATIENT, "second.ndjson", PATIENT);
    int at = Samples.indexOf(zip, "z1".getBytes(StandardCharsets.UTF_8), Samples.indexOf(zip, "second".getBytes(
        StandardCharsets.UTF_8), 0));
    zip[at] = 'Z'; // the second entry's content changes after its CRC was written
    drop("crc.zip", zip);

    boolean unpacked = archives.unpack("crc.zip");

    assertThat(unpacked).isFalse();
    assertThat(names("ndjson")).as("not even the first, sound entry").isEmpty();
    assertThat(names("ziperr")).contains("crc.zip.err", "crc.zip.err.response");
    assertThat(dir.resolve("ziperr/crc.zip.err.response")).content().contains("broken zip archive", "CRC");
    assertThat(dir.resolve(".loader")).isDirectoryNotContaining(path -> path.getFileName().toString()
        .startsWith("staging"));
  }

  @Test
  void aFileThatIsNoZipAtAllGoesToTheErrorFolderSayingSo() throws Exception {
    drop("fake.zip", BATCH.getBytes(StandardCharsets.UTF_8));

    boolean unpacked = archives.unpack("fake.zip");

    assertThat(unpacked).isFalse();
    assertThat(dir.resolve("ziperr/fake.zip.err")).hasContent(BATCH);
    assertThat(dir.resolve("ziperr/fake.zip.err.response")).content().contains("create the archive again");
  }

  @Test
  void anEmptyArchiveIsProcessedWithNothingToLoad() throws Exception {
    drop("empty.zip", Samples.zip());

    assertThat(archives.unpack("empty.zip")).isTrue();
    assertThat(names("zipprocessed")).containsExactly("empty.zip");
  }

  private void drop(String name, byte[] zip) throws IOException {
    Files.write(dir.resolve("zip").resolve(name), zip);
  }

  private java.util.List<String> names(String folder) throws IOException {
    try (var files = Files.list(dir.resolve(folder))) {
      return files.map(path -> path.getFileName().toString()).sorted().toList();
    }
  }
}
