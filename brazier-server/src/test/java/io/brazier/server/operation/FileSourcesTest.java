package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import io.brazier.server.ImportConfig;
import io.brazier.testkit.TempFolders;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which {@code file:} URLs {@code --import-dir} allows (below the folder, symbolic links resolved, regular files
 * of one hard link only), and how a file is read.
 */
class FileSourcesTest {

  @Test
  void aFileUrlMayNameItsHostLocalhostButNoOther() throws IOException {
    Path folder = TempFolders.createUntilExit("brazier-import-sources");
    Path file = Files.writeString(folder.resolve("Patient.ndjson"), "{\"resourceType\":\"Patient\"}\n");
    ImportSources sources = new ImportSources(new ImportConfig(folder, List.of(), null));

    for (String url : List.of("file://" + file, "file:" + file, "file://localhost" + file)) {
      sources.source(url).check(null);
      try (InputStream in = sources.source(url).open(null).body()) {
        assertThat(in.readAllBytes()).as(url).isEqualTo(Files.readAllBytes(file));
      }
    }
    assertThatThrownBy(() -> sources.source("file://example.org" + file)).isInstanceOf(FhirException.class)
        .hasMessageContaining("is not an absolute file: URL");
  }

  @Test
  void aFileUrlMayNotLeadOutOfTheFolderByDotsEscapedOrNotNorThroughASymbolicLink() throws IOException {
    Path outside = TempFolders.createUntilExit("brazier-import-outside");
    Path secret = Files.writeString(outside.resolve("secret.ndjson"), "{\"resourceType\":\"Patient\"}\n");
    Path folder = TempFolders.createUntilExit("brazier-import-sources");
    Files.createSymbolicLink(folder.resolve("link.ndjson"), secret);
    Files.createSymbolicLink(folder.resolve("linked"), outside);
    ImportSources sources = new ImportSources(new ImportConfig(folder, List.of(), null));
    String up = "file://" + folder + "/";
    String back = "/" + outside.getParent().relativize(outside) + "/secret.ndjson";

    for (String url : List.of(up + ".." + back, up + "%2e%2E" + back, up + "%2e%2e%2F" + back.substring(1),
        up + "x/..")) {
      assertThatThrownBy(() -> sources.source(url)).as(url).isInstanceOfSatisfying(FhirException.class,
          e -> assertThat(e.status()).isEqualTo(400)).hasMessageContaining("no ..");
    }
    for (String url : List.of(up + "link.ndjson", up + "linked/secret.ndjson", "file://" + secret)) {
      assertThatThrownBy(() -> sources.source(url)).as(url).isInstanceOfSatisfying(FhirException.class,
          e -> assertThat(e.status()).isEqualTo(400)).hasMessage("The input " + url + " is outside --import-dir "
              + folder + ".");
    }
  }

  /** The folder is checked again when the import opens its input, as a file may have become a link out since. */
  @Test
  void aFileReplacedByASymbolicLinkOutOfTheFolderAfterItsKickOffIsRefusedWhenItIsOpened() throws IOException {
    Path outside = TempFolders.createUntilExit("brazier-import-outside");
    Path secret = Files.writeString(outside.resolve("secret.ndjson"), "{\"resourceType\":\"Patient\"}\n");
    Path folder = TempFolders.createUntilExit("brazier-import-sources");
    Path file = Files.writeString(folder.resolve("Patient.ndjson"), "{\"resourceType\":\"Patient\"}\n");
    String url = "file://" + file;
    ImportSources.Source source = new ImportSources(new ImportConfig(folder, List.of(), null)).source(url);
    source.check(null);
    Files.delete(file);
    Files.createSymbolicLink(file, secret);

    assertThatThrownBy(() -> source.open(null)).isInstanceOfSatisfying(FhirException.class,
        e -> assertThat(e.status()).isEqualTo(400)).hasMessage("The input " + url + " is outside --import-dir "
            + folder + ".");
  }

  /**
   * The file is opened by its resolved path, without following a symbolic link, and only if it is still the file
   * checked: a writer to the folder that swaps it, between the check and the opening, for another file or for a
   * symbolic link out of the folder has the opening fail.
   */
  @Test
  void aFileSwappedBetweenItsCheckAndItsOpeningIsNotOpened() throws IOException {
    Path outside = TempFolders.createUntilExit("brazier-import-outside");
    Path secret = Files.writeString(outside.resolve("secret.ndjson"), "{\"resourceType\":\"Secret\"}\n");
    Path folder = TempFolders.createUntilExit("brazier-import-sources").toRealPath();
    Path file = Files.writeString(folder.resolve("Patient.ndjson"), "{\"resourceType\":\"Patient\"}\n");
    Object checked = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    try (InputStream in = Channels.newInputStream(FileSources.openChecked(file, checked))) {
      assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(file));
    }

    Files.move(Files.writeString(folder.resolve("other"), "{\"resourceType\":\"Other\"}\n"), file,
        StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    assertThatThrownBy(() -> FileSources.openChecked(file, checked)).isInstanceOf(IOException.class)
        .hasMessage("the file was replaced since its check");
    Files.move(Files.createSymbolicLink(folder.resolve("link"), secret), file, StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    assertThatThrownBy(() -> FileSources.openChecked(file, checked)).isInstanceOf(IOException.class)
        .hasMessageContaining("NOFOLLOW_LINKS"); // refused at the opening, before the key is compared
  }

  /**
   * A hard link in the folder to a file outside it is a path below the folder, and where a file's other links are
   * cannot be told: a file of several links is refused, the one outside as one inside, and so is a file linked
   * after its kick-off when its import opens it.
   */
  @Test
  void aFileOfSeveralHardLinksIsABadRequestSayingToImportACopy() throws IOException {
    Path outside = TempFolders.createUntilExit("brazier-import-outside");
    Path secret = Files.writeString(outside.resolve("secret.ndjson"), "{\"resourceType\":\"Patient\"}\n");
    Path folder = TempFolders.createUntilExit("brazier-import-sources");
    Path linked = Files.createLink(folder.resolve("linked.ndjson"), secret);
    Path kept = Files.writeString(folder.resolve("Patient.ndjson"), "{\"resourceType\":\"Patient\"}\n");
    ImportSources sources = new ImportSources(new ImportConfig(folder, List.of(), null));
    ImportSources.Source checked = sources.source("file://" + kept);
    checked.check(null);
    Files.createLink(outside.resolve("later.ndjson"), kept);

    for (Path file : List.of(linked, kept)) {
      String url = "file://" + file;
      assertThatThrownBy(() -> sources.source(url).check(null)).as(url).isInstanceOfSatisfying(FhirException.class,
          e -> assertThat(e.status()).isEqualTo(400)).hasMessage("The input " + url + " has 2 hard links: the others"
              + " may be outside --import-dir, which this server cannot check. Import a copy of the file (cp, not"
              + " ln).");
    }
    assertThatThrownBy(() -> checked.open(null)).isInstanceOf(FhirException.class).hasMessageContaining("hard links");
  }

  /** A query or a fragment would make variants of one file's URL, each passing for another input. */
  @Test
  void aFileUrlWithAQueryOrAFragmentIsABadRequestNamingTheInput() throws IOException {
    Path folder = TempFolders.createUntilExit("brazier-import-sources");
    Path file = Files.writeString(folder.resolve("Patient.ndjson"), "{\"resourceType\":\"Patient\"}\n");
    ImportSources sources = new ImportSources(new ImportConfig(folder, List.of(), null));

    for (String url : List.of("file://" + file + "?x=1", "file://" + file + "#frag", "file://" + file + "?",
        "file:" + file + "#")) {
      String shown = url.replace("=1", "=REDACTED");
      assertThatThrownBy(() -> sources.source(url)).as(url).isInstanceOfSatisfying(FhirException.class,
          e -> assertThat(e.status()).isEqualTo(400)).hasMessage("The input " + shown + " has a query or a"
              + " fragment: a file: URL names a file by its path alone (file:///path).");
    }
  }

  @Test
  void aFolderOrAFifoBelowTheFolderIsNoReadableFile() throws IOException, InterruptedException {
    Path folder = TempFolders.createUntilExit("brazier-import-sources");
    Files.createDirectory(folder.resolve("Patient.ndjson"));
    assertThat(new ProcessBuilder("mkfifo", folder.resolve("fifo.ndjson").toString()).start().waitFor()).isZero();
    ImportSources sources = new ImportSources(new ImportConfig(folder, List.of(), null));

    for (String name : List.of("Patient.ndjson", "fifo.ndjson", "")) {
      String url = "file://" + folder + "/" + name;
      assertThatThrownBy(() -> sources.source(url).check(null)).as(url).isInstanceOfSatisfying(FhirException.class,
          e -> assertThat(e.status()).isEqualTo(400)).hasMessage("The input " + url + " is not a readable file.");
    }
  }

  @Test
  void aFileUrlNamingNoPathThisSystemHasIsABadRequest() {
    Path folder = TempFolders.createUntilExit("brazier-import-sources");
    ImportSources sources = new ImportSources(new ImportConfig(folder, List.of(), null));
    String url = folder.toUri() + "Patient%00.ndjson";

    assertThatThrownBy(() -> sources.source(url)).isInstanceOfSatisfying(FhirException.class,
        e -> assertThat(e.status()).isEqualTo(400)).hasMessage("The input " + url + " names no file this server"
            + " can have: Nul character not allowed.");
  }

  @Test
  void aFileGoneSinceTheKickOffFailsItsInputAsTheKickOffWouldRatherThanAsAReadToTryAgain() throws IOException {
    Path folder = TempFolders.createUntilExit("brazier-import-sources");
    Path file = Files.writeString(folder.resolve("Gone.ndjson"), "{\"resourceType\":\"Patient\"}\n");
    ImportSources sources = new ImportSources(new ImportConfig(folder, List.of(), null));
    ImportSources.Source source = sources.source("file://" + file);
    source.check(null);
    Files.delete(file);

    assertThatThrownBy(() -> source.open(null)).isInstanceOf(FhirException.class)
        .hasMessage("The input file://" + file + " is not a readable file.");
  }

  /**
   * A file's version is its size and last-modified time, as a web server's ETag says it: the same while the file is
   * unchanged, another once it is written to; a read that finds it written to since its opening fails, so that the
   * bytes read are all of the version opened.
   */
  @Test
  void aFileWrittenToWhileItIsReadFailsTheReadAndIsThenAnotherVersion() throws IOException {
    Path folder = TempFolders.createUntilExit("brazier-import-sources");
    String line = "{\"resourceType\":\"Patient\"}\n";
    Path file = Files.writeString(folder.resolve("Growing.ndjson"), line.repeat(2));
    ImportSources.Source source = new ImportSources(new ImportConfig(folder, List.of(), null))
        .source("file://" + file);
    ImportSources.Opened opened = source.open(null);
    String again = etag(source);

    try (InputStream in = opened.body()) {
      assertThat(in.readNBytes(line.length())).hasSize(line.length());
      Files.writeString(file, line, StandardOpenOption.APPEND);

      assertThatThrownBy(() -> in.readNBytes(line.length())).isInstanceOf(IOException.class)
          .hasMessage("the file changed while it was read");
    }
    assertThat(opened.etag()).isNotNull().isEqualTo(again).isNotEqualTo(etag(source));
  }

  /** A file's etag is checked as a blob's is: its own passes, another is a 412 naming both. */
  @Test
  void aFileWithItsOwnEtagPassesItsCheckAndOneWithAnotherIsAPreconditionFailed() throws IOException {
    Path folder = TempFolders.createUntilExit("brazier-import-sources");
    Path file = Files.writeString(folder.resolve("Tagged.ndjson"), "{\"resourceType\":\"Patient\"}\n");
    ImportSources.Source source = new ImportSources(new ImportConfig(folder, List.of(), null))
        .source("file://" + file);
    String etag = etag(source);

    source.check(etag);
    source.check("W/" + etag);
    source.open(etag).body().close();
    assertThatThrownBy(() -> source.check("\"1\"")).isInstanceOfSatisfying(FhirException.class,
        e -> assertThat(e.status()).isEqualTo(412)).hasMessage("The input file://" + file + " has ETag " + etag
            + ", not \"1\".");
    assertThatThrownBy(() -> source.open("\"1\"")).isInstanceOfSatisfying(FhirException.class,
        e -> assertThat(e.status()).isEqualTo(412));
  }

  private static String etag(ImportSources.Source source) throws IOException {
    ImportSources.Opened opened = source.open(null);
    opened.body().close();
    return opened.etag();
  }
}
