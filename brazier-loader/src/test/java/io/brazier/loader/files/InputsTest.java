package io.brazier.loader.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import io.brazier.loader.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputsTest {
  @TempDir
  Path dir;

  @Test
  void aFolderIsWalkedForBundlesNdjsonAndTheirGzipFormsLeavingPartialAndOtherFilesAlone() throws IOException {
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("a.json"), "{}");
    Files.write(dir.resolve("sub/b.ndjson.gz"), gzip("{\"resourceType\":\"Patient\",\"id\":\"p\"}\n"));
    Files.writeString(dir.resolve("c.json.tmp"), "{}");
    Files.writeString(dir.resolve("d.part"), "{}");
    Files.writeString(dir.resolve("notes.txt"), "hello");

    try (Inputs inputs = Inputs.of(List.of(dir.toString()))) {
      assertThat(inputs.files()).extracting(InputFile::name)
          .containsExactly(dir.resolve("a.json").toString(), dir.resolve("sub/b.ndjson.gz").toString());
      assertThat(new String(inputs.files().get(1).bytes(), StandardCharsets.UTF_8)).contains("\"id\":\"p\"");
      assertThat(inputs.problems()).isEmpty();
    }
  }

  @Test
  void aFolderWithNothingTheLoaderReadsIsAProblemSayingWhatItHolds() throws IOException {
    Path xml = Files.createDirectories(dir.resolve("xml"));
    Files.writeString(xml.resolve("bundle.xml"), "<Bundle xmlns=\"http://hl7.org/fhir\"/>");
    Files.writeString(xml.resolve("notes.txt"), "hello");
    Path empty = Files.createDirectories(dir.resolve("empty"));

    try (Inputs inputs = Inputs.of(List.of(xml.toString(), empty.toString()))) {
      assertThat(inputs.files()).isEmpty();
      assertThat(inputs.problems().get(xml.toString()))
          .contains("no file the loader reads", "2 other files passed over, such as bundle.xml");
      assertThat(inputs.problems().get(empty.toString())).contains("no file the loader reads", "it is empty");
    }
  }

  @Test
  void theEntriesOfAZipAreReadOneByOneAndOtherEntriesSkipped() throws IOException {
    Path zip = Files.write(dir.resolve("data.zip"), Samples.zip("x/one.json", "{}", "two.ndjson", "{}\n", "readme.md", "#"));

    try (Inputs inputs = Inputs.of(List.of(zip.toString()))) {
      assertThat(inputs.files()).extracting(InputFile::name)
          .containsExactly(zip + "!/x/one.json", zip + "!/two.ndjson");
      assertThat(new String(inputs.files().get(1).bytes(), StandardCharsets.UTF_8)).isEqualTo("{}\n");
    }
  }

  @Test
  void aTruncatedZipIsAProblemWithTheReasonAndNoneOfItsEntriesLoads() throws IOException {
    byte[] whole = Samples.zip("one.json", "{}");
    Path zip = Files.write(dir.resolve("cut.zip"), Arrays.copyOf(whole, whole.length / 2));

    try (Inputs inputs = Inputs.of(List.of(zip.toString()))) {
      assertThat(inputs.files()).isEmpty();
      assertThat(inputs.problems().get(zip.toString())).contains("broken zip", "create the archive again");
    }
  }

  @Test
  void theHiddenFilesAMacAddsToItsArchivesAreNotLoaded() throws IOException {
    Path zip = Files.write(dir.resolve("mac.zip"), Samples.zip("data/Patient.ndjson", "{}\n",
        "__MACOSX/data/._Patient.ndjson", "\u0000\u0005\u0016\u0007Mac", "data/.DS_Store", "\u0000Bud1"));

    try (Inputs inputs = Inputs.of(List.of(zip.toString()))) {
      assertThat(inputs.files()).extracting(InputFile::name).containsExactly(zip + "!/data/Patient.ndjson");
    }
  }

  @Test
  void anArchiveWhoseNamesAreNotUtf8IsStillRead() throws IOException {
    Path zip = Files.write(dir.resolve("windows.zip"), Samples.zip(Charset.forName("IBM437"), "Müller.ndjson", "{}\n"));

    try (Inputs inputs = Inputs.of(List.of(zip.toString()))) {
      assertThat(inputs.problems()).isEmpty();
      assertThat(inputs.files()).extracting(InputFile::name).containsExactly(zip + "!/Müller.ndjson");
    }
  }

  @Test
  void anEntryThatDoesNotMatchItsCrcMakesTheArchiveAProblemAndNoneOfItsEntriesLoads() throws IOException {
    byte[] zip = Samples.stored("first.ndjson", "{\"resourceType\":\"Patient\",\"id\":\"z1\"}\n",
        "second.ndjson", "{\"resourceType\":\"Patient\",\"id\":\"z2\"}\n");
    zip[Samples.indexOf(zip, "z2".getBytes(StandardCharsets.UTF_8), 0)] = 'Z'; // changed after its CRC was written
    Path altered = Files.write(dir.resolve("altered.zip"), zip);

    try (Inputs inputs = Inputs.of(List.of(altered.toString()))) {
      assertThat(inputs.files()).isEmpty();
      assertThat(inputs.problems().get(altered.toString()))
          .contains("broken zip", "second.ndjson does not match its CRC", "create the archive again");
    }
  }

  @Test
  void anExplicitFileOfAnotherKindIsAProblemAndAMissingPathAUsageError() throws IOException {
    Path text = Files.writeString(dir.resolve("notes.txt"), "hello");

    try (Inputs inputs = Inputs.of(List.of(text.toString()))) {
      assertThat(inputs.problems().get(text.toString())).contains("*.ndjson");
    }
    assertThatThrownBy(() -> Inputs.of(List.of(dir.resolve("missing").toString())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("neither a file, a folder nor");
  }

  @Test
  void kindsAreToldByTheNameWithOrWithoutGz() {
    assertThat(FileKind.of("a.JSON")).isEqualTo(FileKind.BUNDLE);
    assertThat(FileKind.of("a.ndjson.gz")).isEqualTo(FileKind.NDJSON);
    assertThat(FileKind.of("a.zip")).isEqualTo(FileKind.ZIP);
    assertThat(FileKind.of("a.xml")).isEqualTo(FileKind.OTHER);
    assertThat(FileKind.partial("a.json.tmp")).isTrue();
    assertThat(FileKind.partial("a.json")).isFalse();
  }

  private static byte[] gzip(String content) throws IOException {
    var bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(content.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }
}
