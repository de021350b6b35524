package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.server.ImportConfig;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.server.operation.Importer.Input;
import io.brazier.testkit.Azurite;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code $import} from Azure Blob storage (the Azurite emulator): blobs of the {@code --import-blob} account read
 * with its connection string, blob URLs with a SAS read over HTTP from a listed host, and the blobs refused at
 * kick-off. A server of its own, as its job runner must know the account.
 */
class ImportBlobTest {
  private static Azurite azurite;
  private static BlobContainerClient container;
  private static TestServer server;
  private static Importer importer;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final IGenericClient client = server.client();

  @BeforeAll
  static void start() {
    azurite = Azurite.shared();
    container = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
        .createBlobContainerIfNotExists("imports");
    URI endpoint = URI.create(azurite.blobEndpoint());
    server = TestServer.start(ServerConfig.builder()
        .imports(new ImportConfig(null, List.of("localhost:" + endpoint.getPort()), azurite.connectionString()))
        .build());
    importer = new Importer(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aBlobOfTheImportBlobAccountIsReadWithItsConnectionStringGzipOrNot() {
    BlobClient plain = upload("Patient.ndjson", false, patient("a", "Blob"), patient("b", "Blob"));
    BlobClient zipped = upload("Observation.ndjson.gz", true, observation("o1", "a"), observation("o2", "b"));

    JsonNode manifest = importer.run(null, new Input("Patient", plain.getBlobUrl()),
        new Input("Observation", zipped.getBlobUrl(), zipped.getProperties().getETag()));

    assertThat(Importer.count(manifest, plain.getBlobUrl())).isEqualTo(2);
    assertThat(Importer.count(manifest, zipped.getBlobUrl())).isEqualTo(2);
    assertThat(manifest.path("error")).isEmpty();
    assertThat(searchIds("Observation?subject.given=Blob&code=" + run)).containsExactlyInAnyOrder(id("o1"),
        id("o2"));
  }

  /** Found by either spelling of its URL, a blob is one input: both in one kick-off are one input listed twice. */
  @Test
  void aBlobIsFoundByItsUrlAsWrittenWhateverItsNameHolds() {
    BlobClient blob = upload("a+b c/ü.ndjson", false, patient("n", "Named"));
    String written = container.getBlobContainerUrl() + "/" + run + "-a+b%20c/%C3%BC.ndjson";

    JsonNode asWritten = importer.run(null, new Input("Patient", written));
    JsonNode asEscaped = importer.run(null, new Input("Patient", blob.getBlobUrl()));

    assertThat(asWritten.path("error")).isEmpty();
    assertThat(Importer.count(asWritten, written)).isEqualTo(1);
    assertThat(Importer.count(asEscaped, blob.getBlobUrl())).isEqualTo(1);
    assertThat(searchIds("Patient?given=Named&family=" + run)).containsExactly(id("n"));
    assertThat(server.http().refused(400, "POST", "/fhir/$import", Importer.parameters(null,
        new Input("Patient", written), new Input("Patient", blob.getBlobUrl())), "Prefer", "respond-async")
        .getIssueFirstRep().getDiagnostics()).isEqualTo("The input " + blob.getBlobUrl() + " is the input "
            + written + " again, by another URL: list it once.");
  }

  @Test
  void aBlobUrlWithASasIsReadOverHttpFromAListedHost() {
    BlobClient blob = upload("Sas.ndjson", false, patient("s", "Sas"));
    String url = blob.getBlobUrl() + "?" + blob.generateSas(new BlobServiceSasSignatureValues(
        OffsetDateTime.now().plusHours(1), new BlobSasPermission().setReadPermission(true)));
    // The account's own URLs are read with the connection string: this one reaches it by another name, over HTTP.
    String overHttp = url.replace("127.0.0.1", "localhost");
    assertThat(overHttp).isNotEqualTo(url);

    JsonNode manifest = importer.run(null, new Input("Patient", overHttp));

    assertThat(Importer.count(manifest, overHttp)).isEqualTo(1);
    assertThat(searchIds("Patient?given=Sas&family=" + run)).containsExactly(id("s"));
  }

  @Test
  void aBlobThatIsMissingOrChangedSinceItsEtagIsRefusedAtKickOffAndNothingIsWritten() {
    BlobClient blob = upload("Changed.ndjson", false, patient("c", "Changed"));
    String etag = blob.getProperties().getETag();
    blob.upload(BinaryData.fromString(patient("c", "Changed") + "\n" + patient("d", "Changed") + "\n"), true);

    refused(400, "could not be read: 404", new Input("Patient", container.getBlobClient(run + "-missing.ndjson")
        .getBlobUrl()));
    refused(412, "has ETag", new Input("Patient", blob.getBlobUrl(), etag));
    refused(400, "names no blob", new Input("Patient", container.getBlobContainerUrl() + "/"));
    assertThat(searchIds("Patient?given=Changed&family=" + run)).isEmpty();
  }

  private void refused(int status, String says, Input input) {
    var outcome = server.http().refused(status, "POST", "/fhir/$import", Importer.parameters(null, input),
        "Prefer", "respond-async");
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains(says);
  }

  /** Uploads the lines as a blob of this test, gzipped or not. */
  private BlobClient upload(String name, boolean gzip, String... lines) {
    byte[] text = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    BlobClient blob = container.getBlobClient(run + "-" + name);
    blob.upload(BinaryData.fromBytes(gzip ? gzip(text) : text), true);
    return blob;
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private String id(String name) {
    return run + "-" + name;
  }

  private String patient(String name, String given) {
    return "{\"resourceType\":\"Patient\",\"id\":\"" + id(name) + "\",\"name\":[{\"family\":\"" + run
        + "\",\"given\":[\"" + given + "\"]}]}";
  }

  private String observation(String name, String patient) {
    return "{\"resourceType\":\"Observation\",\"id\":\"" + id(name) + "\",\"status\":\"final\",\"code\":{\"coding\":"
        + "[{\"code\":\"" + run + "\"}]},\"subject\":{\"reference\":\"Patient/" + id(patient) + "\"}}";
  }

  private List<String> searchIds(String query) {
    return client.search().byUrl(query + "&_count=100").returnBundle(Bundle.class).execute().getEntry().stream()
        .map(entry -> entry.getResource().getIdElement().getIdPart()).toList();
  }
}
