package io.brazier.server.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.search.FhirSearch;
import io.brazier.server.ExportConfig;
import io.brazier.server.TestServer;
import io.brazier.server.operation.Jobs;
import io.brazier.server.terminology.StoredTerminology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk Data export as a node wires it from its configuration: files in the folder it names, or in a temporary
 * folder of the node's own, made by its first export, that goes when the node closes; a folder it cannot make, or a Blob setting that is
 * neither a connection string nor an account URL, refused at start with a message that says which.
 */
class ExportsTest {
  @TempDir
  Path dir;

  @Test
  void withoutAFolderNamedANodeThatExportsNothingMakesNoFolder() {
    try (Exports exports = exports(TestServer.shared(), ExportConfig.defaults())) {
      assertThat(exports.storage().folders()).isEmpty();
      assertThat(((LocalStorage) exports.storage()).root()).as("no folder made").isNull();
    }
  }

  @Test
  void withoutAFolderNamedExportsGoToATemporaryFolderThatGoesWithTheNode() throws IOException {
    Exports exports = exports(TestServer.shared(), ExportConfig.defaults());
    ExportFolder export = new ExportFolder(null, UUID.randomUUID().toString());
    try (ExportStorage.OpenFile file = exports.storage().open(export, FileState.empty("Patient", 1), "aaaa0001")) {
      file.write("{}".getBytes(StandardCharsets.UTF_8));
      file.finish(FileState.empty("Patient", 1).written(1, 3, null, List.of(), null));
    }
    Path folder = ((LocalStorage) exports.storage()).root();
    assertThat(folder.getFileName().toString()).startsWith("brazier-export");
    assertThat(folder.resolve(export.job()).resolve("Patient-1.ndjson")).hasContent("{}");

    exports.close();

    assertThat(folder).doesNotExist();
  }

  @Test
  void aFolderNamedIsKeptWhenTheNodeCloses() {
    TestServer shared = TestServer.shared();
    Path folder = dir.resolve("export");

    exports(shared, ExportConfig.builder().dir(folder).build()).close();

    assertThat(folder).isDirectory();
  }

  @Test
  void aFolderThatCannotBeMadeIsRefusedNamingIt() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "in the way");
    ExportConfig config = ExportConfig.builder().dir(file.resolve("export")).build();

    assertThatThrownBy(() -> exports(TestServer.shared(), config))
        .hasMessage("Could not make the export folder " + file.resolve("export"));
  }

  @Test
  void aBlobSettingThatIsNeitherAConnectionStringNorAnAccountUrlIsRefusedWithoutItsSecret() {
    ExportConfig config = ExportConfig.builder().blob("AccountName=devstoreaccount1;AccountKey=c2VjcmV0;nonsense")
        .container("export").links(ExportConfig.Links.SAS).build();

    assertThatThrownBy(() -> exports(TestServer.shared(), config)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--export-blob must be a Blob connection string or an account URL with a SAS: ")
        .message().doesNotContain("c2VjcmV0");
  }

  private static Exports exports(TestServer server, ExportConfig config) {
    return new Exports(server.fhir(), server.store(), new FhirSearch(server.fhir()),
        new StoredTerminology(server.store(), server.fhir()), config,
        new Jobs(server.store().jobs(), server.fhir(), Jobs.LEASE));
  }
}
