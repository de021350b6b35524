package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.server.Http;
import io.brazier.server.ExportConfig;
import io.brazier.server.ImportConfig;
import io.brazier.server.ServerConfig;
import io.brazier.server.SyntheaSample;
import io.brazier.server.TestServer;
import io.brazier.server.operation.Importer.Input;
import io.brazier.store.Change;
import io.brazier.store.ChangeQuery;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Synthea sample exported to NDJSON (read back from the shared server as stored, one file per type, gzipped)
 * and imported into a fresh server with InitialLoad: both stores then hold the same resources, byte for byte, with
 * the same ids, versions and lastUpdated, in history and in the change feed, and answer searches alike.
 */
class ImportRoundTripTest {
  private static final List<String> SEARCHES = List.of(
      "Observation?code=http://loinc.org|8302-2",
      "Condition?clinical-status=active",
      "Encounter?date=ge2015-01-01",
      "Patient?gender=male",
      "Observation?subject:Patient.gender=male&category=vital-signs",
      "Claim?_include=Claim:patient",
      "Patient?_has:Observation:subject:code=http://loinc.org|8302-2",
      "Practitioner?name=a");

  private final TestServer source = TestServer.shared();

  @Test
  void theSampleExportedAndImportedIntoAFreshServerIsTheSameResourceForResource(@TempDir Path folder,
      @TempDir Path data) throws Exception {
    Map<String, List<String>> byType = new TreeMap<>();
    for (Resource resource : SyntheaSample.resources()) {
      byType.computeIfAbsent(resource.fhirType(), type -> new ArrayList<>()).add(resource.getIdPart());
    }
    List<Input> inputs = new ArrayList<>();
    for (Map.Entry<String, List<String>> type : byType.entrySet()) {
      inputs.add(new Input(type.getKey(), export(folder, type.getKey(), type.getValue()).toUri().toString()));
    }

    try (TestServer target = TestServer.start(data, ServerConfig.builder()
        .imports(new ImportConfig(folder, List.of(), null)).build())) {
      JsonNode manifest = new Importer(target).run("InitialLoad", inputs.toArray(Input[]::new));

      assertThat(manifest.path("error")).as(manifest.toString()).isEmpty();
      assertThat(indexes(target)).as("built again after an import into an empty store").isEqualTo(indexes(source));
      for (Map.Entry<String, List<String>> type : byType.entrySet()) {
        for (String id : type.getValue()) {
          String path = "/fhir/" + type.getKey() + "/" + id;
          Http.Response original = source.http().get(path);
          Http.Response imported = target.http().get(path);
          assertThat(imported.body()).as(path).isEqualTo(original.body());
          assertThat(imported.header("ETag")).as(path).isEqualTo(original.header("ETag"));
          assertThat(imported.header("Last-Modified")).as(path).isEqualTo(original.header("Last-Modified"));
          assertThat(history(target, path)).as(path).isEqualTo(history(source, path));
        }
      }
      for (String search : SEARCHES) {
        assertThat(found(target, search)).as(search).isNotEmpty().isEqualTo(found(source, search));
      }
      target.store().numberChanges();
      assertThat(target.store().changes(ChangeQuery.after(0, 10_000)).changes()).hasSize(SyntheaSample.resources().size())
          .allMatch(change -> change.action() == Change.Action.CREATE && change.version() == 1);
    }
  }

  @Test
  void aStringLongerThanJacksonsDefaultLimitIsCreatedReadSearchedExportedAndImported(@TempDir Path folder,
      @TempDir Path data) throws IOException {
    // Jackson refuses a string over 20,000,000 chars by default; a body is held to --max-body-bytes instead.
    String photo = "A".repeat(21_000_000);
    try (TestServer server = TestServer.start(data.resolve("db"), ServerConfig.builder()
        .exports(ExportConfig.builder().dir(data.resolve("export")).build())
        .imports(new ImportConfig(folder, List.of(), null)).build())) {
      Patient patient = new Patient();
      patient.addPhoto().setDataElement(new Base64BinaryType(photo));

      String id = server.client().create().resource(patient).execute().getId().getIdPart();

      assertThat(server.client().read().resource(Patient.class).withId(id).execute().getPhotoFirstRep()
          .getDataElement().getValueAsString()).isEqualTo(photo);
      Bundle found = server.client().search().byUrl("Patient?_id=" + id + "&_elements=photo")
          .returnBundle(Bundle.class).execute();
      assertThat(((Patient) found.getEntryFirstRep().getResource()).getPhotoFirstRep().getDataElement()
          .getValueAsString()).isEqualTo(photo);
      // At Patient level, the Practitioners exported are those the exported Patients refer to, read from their file.
      Importer importer = new Importer(server);
      JsonNode exported = Importer.manifest(importer.await(importer.status(server.http().get(
          "/fhir/Patient/$export?_type=Patient,Practitioner", "Prefer", "respond-async"))));
      assertThat(exported.path("error")).as(exported.toString()).isEmpty();
      Path file = folder.resolve("Photo.ndjson");
      Files.write(file, server.http().get(exported.path("output").get(0).path("url").asText()
          .substring(server.rootUrl().length())).bytes());
      String url = file.toUri().toString();
      JsonNode imported = importer.run("IncrementalLoad", new Input("Patient", url));
      assertThat(imported.path("error")).as(imported.toString()).isEmpty();
      assertThat(Importer.count(imported, url)).isEqualTo(1);
    }
  }

  /** A type's resources as the source stores them (what a read serves), one per line, gzipped. */
  private Path export(Path folder, String type, List<String> ids) throws IOException {
    Path file = folder.resolve(type + ".ndjson.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      for (String id : ids) {
        Http.Response read = source.http().get("/fhir/" + type + "/" + id);
        assertThat(read.status()).isEqualTo(200);
        out.write(read.bytes());
        out.write('\n');
      }
    }
    return file;
  }

  /** The search indexes of a server's database. */
  private static List<String> indexes(TestServer server) throws java.sql.SQLException {
    List<String> names = new ArrayList<>();
    try (var connection = server.database().dataSource().getConnection();
        var statement = connection.createStatement();
        var rows = statement.executeQuery("SELECT indexname FROM pg_indexes WHERE tablename LIKE 'search\\_%'"
            + " ORDER BY 1")) {
      while (rows.next()) {
        names.add(rows.getString(1));
      }
    }
    return names;
  }

  private static List<String> history(TestServer server, String path) {
    return server.client().history().onInstance(path.substring("/fhir/".length())).returnBundle(Bundle.class)
        .execute().getEntry().stream().map(entry -> entry.getResource().getMeta().getVersionId()).toList();
  }

  /** The ids a search finds among the sample (matches and includes), in no particular order. */
  private static TreeSet<String> found(TestServer server, String search) {
    Bundle bundle = server.client().search().byUrl(search + "&" + SyntheaSample.scope() + "&_count=1000")
        .returnBundle(Bundle.class).execute();
    TreeSet<String> ids = new TreeSet<>();
    bundle.getEntry().forEach(entry -> ids.add(entry.getResource().getIdElement().toUnqualifiedVersionless()
        .getValue()));
    return ids;
  }
}
