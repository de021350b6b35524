package io.brazier.server.operation;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import io.brazier.client.HttpUrls;
import com.azure.storage.blob.specialized.BlobInputStream;
import io.brazier.fhir.FhirException;
import io.brazier.server.http.ETags;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Inputs in the Azure Blob storage account of {@code --import-blob}, read with its connection string through the
 * Azure Storage Blob SDK (ranged reads, retried): URLs {@code <account url>/<container>/<blob>}.
 */
final class BlobSources {
  private final BlobServiceClient service;
  private final String accountUrl;

  BlobSources(String connectionString) {
    try {
      this.service = new BlobServiceClientBuilder().connectionString(connectionString).buildClient();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--import-blob is not an Azure Storage connection string: "
          + e.getMessage(), e);
    }
    this.accountUrl = service.getAccountUrl().replaceAll("/+$", "");
  }

  /** Whether a URL names a blob of this account. */
  boolean holds(String url) {
    return url.startsWith(accountUrl + "/");
  }

  ImportSources.Source source(String url) {
    String path = url.substring(accountUrl.length() + 1);
    int query = path.indexOf('?');
    path = query < 0 ? path : path.substring(0, query);
    int slash = path.indexOf('/');
    if (slash <= 0 || slash == path.length() - 1) {
      throw FhirException.badRequest("The input " + HttpUrls.redacted(url) + " names no blob (" + accountUrl
          + "/<container>/<blob>).");
    }
    // A URL's path escapes with %XX only: its + is a plus (URLDecoder, made for forms, would read a space).
    String name = URLDecoder.decode(path.substring(slash + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
    BlobClient blob = service.getBlobContainerClient(path.substring(0, slash)).getBlobClient(name);
    return new Blob(HttpUrls.redacted(url), blob);
  }

  /** A blob of the account; {@code shown}, its URL as messages show it ({@link HttpUrls#redacted}). */
  private record Blob(String shown, BlobClient blob) implements ImportSources.Source {
    @Override
    public void check(String etag) {
      BlobProperties properties;
      try {
        properties = blob.getProperties();
      } catch (BlobStorageException e) {
        throw new FhirException(400, IssueType.NOTFOUND, "The input " + shown + " could not be read: "
            + e.getStatusCode() + " " + e.getErrorCode() + ".");
      }
      if (etag != null && !ETags.same(etag, properties.getETag())) {
        throw FhirException.preconditionFailed("The input " + shown + " has ETag " + properties.getETag() + ", not "
            + etag + ".");
      }
    }

    /** The blob's URL without a query: a SAS given or not, it is the same blob. */
    @Override
    public String identity() {
      return blob.getBlobUrl();
    }

    @Override
    public ImportSources.Opened open(String etag) throws IOException {
      BlobInputStreamOptions options = new BlobInputStreamOptions();
      if (etag != null) {
        options.setRequestConditions(new BlobRequestConditions().setIfMatch(etag));
      }
      try {
        BlobInputStream in = blob.openInputStream(options);
        return new ImportSources.Opened(in, in.getProperties().getETag());
      } catch (BlobStorageException e) {
        throw new IOException("Blob " + shown + ": " + e.getStatusCode() + " " + e.getErrorCode(), e);
      }
    }
  }
}
