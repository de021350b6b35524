package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.brazier.fhir.FhirException;
import io.brazier.testkit.Azurite;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The blobs of the {@code --import-blob} account (the Azurite emulator): which URLs name one, reading one by its
 * URL-escaped name, and the refusals a kick-off answers with, a 400 for a blob that is not there and a 412 for one
 * changed since the ETag the client named.
 */
class BlobSourcesTest {
  private static Azurite azurite;
  private static BlobContainerClient container;
  private static BlobSources sources;

  private final String run = UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void start() {
    azurite = Azurite.shared();
    container = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
        .createBlobContainerIfNotExists("sources");
    sources = new BlobSources(azurite.connectionString());
  }

  @Test
  void aConnectionStringThatIsNotOneIsRefusedNamingTheFlag() {
    assertThatThrownBy(() -> new BlobSources("AccountName=nobody")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--import-blob is not an Azure Storage connection string");
  }

  @Test
  void onlyUrlsBelowTheAccountAreItsOwn() {
    String account = azurite.blobEndpoint();

    assertThat(sources.holds(account + "/sources/Patient.ndjson")).isTrue();
    assertThat(sources.holds(account + "x/sources/Patient.ndjson")).as("another account, same prefix").isFalse();
    assertThat(sources.holds("https://elsewhere.blob.core.windows.net/sources/Patient.ndjson")).isFalse();
  }

  @Test
  void aUrlThatNamesAContainerButNoBlobIsABadRequest() {
    for (String url : new String[] {azurite.blobEndpoint() + "/sources", azurite.blobEndpoint() + "/sources/",
        azurite.blobEndpoint() + "//Patient.ndjson"}) {
      assertThatThrownBy(() -> sources.source(url)).as(url).isInstanceOfSatisfying(FhirException.class,
          e -> assertThat(e.status()).isEqualTo(400)).hasMessageContaining("names no blob");
    }
  }

  @Test
  void aBlobIsReadByItsEscapedNameWithOrWithoutAQueryAndItsEtag() throws IOException {
    BlobClient blob = upload("in folder/Patient " + run + ".ndjson", "{\"resourceType\":\"Patient\"}\n");
    String etag = blob.getProperties().getETag();
    ImportSources.Source source = sources.source(blob.getBlobUrl() + "?sv=2021-08-06&sig=ignored");

    source.check(etag);
    source.check(null);

    ImportSources.Opened opened = source.open(etag);
    try (InputStream in = opened.body()) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"resourceType\":\"Patient\"}\n");
    }
    assertThat(opened.etag()).isEqualTo(etag);
  }

  @Test
  void aMissingBlobIsABadRequestNamingItsUrl() {
    String url = container.getBlobClient("missing-" + run + ".ndjson").getBlobUrl();

    assertThatThrownBy(() -> sources.source(url).check(null)).isInstanceOfSatisfying(FhirException.class,
        e -> assertThat(e.status()).isEqualTo(400)).hasMessageContaining(url).hasMessageContaining("404");
  }

  @Test
  void aBlobChangedSinceItsEtagIsAPreconditionFailureAndIsNotRead() {
    BlobClient blob = upload("Changing-" + run + ".ndjson", "{\"resourceType\":\"Patient\"}\n");
    String before = blob.getProperties().getETag();
    blob.upload(BinaryData.fromString("{\"resourceType\":\"Observation\"}\n"), true);
    ImportSources.Source source = sources.source(blob.getBlobUrl() + "?sv=2021-08-06&sig=secret");

    assertThatThrownBy(() -> source.check(before)).isInstanceOfSatisfying(FhirException.class,
        e -> assertThat(e.status()).isEqualTo(412)).hasMessageContaining(before);
    assertThatThrownBy(() -> source.open(before).body().readAllBytes()).isInstanceOf(IOException.class)
        .hasMessageContaining(blob.getBlobUrl()).hasMessageNotContaining("secret"); // the log shows it
  }

  private BlobClient upload(String name, String content) {
    BlobClient blob = container.getBlobClient(name);
    blob.upload(BinaryData.fromString(content), true);
    return blob;
  }
}
