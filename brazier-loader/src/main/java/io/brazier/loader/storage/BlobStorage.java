package io.brazier.loader.storage;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import io.brazier.loader.files.InputFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Containers of an Azure Blob account, one per folder. A loader claims a blob with a lease (30 s, renewed every 10 s
 * while it loads), so two loaders never take the same blob and a killed loader's blob is free once its lease runs
 * out; its attempts are counted in the blob's metadata. A move is a copy through this process and a delete under
 * the lease.
 */
public final class BlobStorage implements Storage {
  private static final int LEASE_SECONDS = 30;
  private static final String ATTEMPTS = "brazierattempts";

  private final BlobServiceClient service;
  private final Map<String, String> leases = new ConcurrentHashMap<>(); // container/name -> lease id
  private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "loader-lease");
    thread.setDaemon(true);
    return thread;
  });

  private BlobStorage(BlobServiceClient service) {
    this.service = service;
  }

  /** An account by connection string, or by its URL with a SAS token. */
  public static BlobStorage connect(String account) {
    BlobServiceClientBuilder builder = new BlobServiceClientBuilder();
    if (account.startsWith("http://") || account.startsWith("https://")) {
      builder.endpoint(account);
    } else {
      builder.connectionString(account);
    }
    return new BlobStorage(builder.buildClient());
  }

  @Override
  public void prepare(List<String> folders) {
    folders.forEach(folder -> service.getBlobContainerClient(folder).createIfNotExists());
  }

  @Override
  public List<Stored> list(String folder) {
    List<Stored> blobs = new ArrayList<>();
    for (BlobItem blob : service.getBlobContainerClient(folder).listBlobs()) {
      blobs.add(new Stored(blob.getName(), blob.getProperties().getContentLength(),
          blob.getProperties().getLastModified().toInstant()));
    }
    return blobs;
  }

  @Override
  public InputFile file(String folder, Stored stored) {
    BlobClient blob = blob(folder, stored.name());
    return new InputFile(stored.name(), stored.size(), () -> {
      try {
        return blob.openInputStream();
      } catch (BlobStorageException e) {
        throw failure(e, folder, stored.name());
      }
    });
  }

  @Override
  public void write(String folder, String name, byte[] content) throws IOException {
    try {
      blob(folder, name).upload(BinaryData.fromBytes(content), true);
    } catch (BlobStorageException e) {
      throw failure(e, folder, name);
    }
  }

  /** Uploads only where no blob of that name is ({@code If-None-Match: *}); a leased one counts as there. */
  @Override
  public boolean create(String folder, String name, byte[] content) throws IOException {
    try {
      blob(folder, name).upload(BinaryData.fromBytes(content), false);
      return true;
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 409 || e.getStatusCode() == 412) {
        return false;
      }
      throw failure(e, folder, name);
    }
  }

  @Override
  public void write(String folder, String name, Path content) throws IOException {
    try {
      blob(folder, name).uploadFromFile(content.toString(), true);
    } catch (BlobStorageException | UncheckedIOException e) {
      throw new IOException("Writing " + folder + "/" + name + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Path local(String folder, String name) throws IOException {
    Path copy = Files.createTempFile("brazier-loader", ".download");
    try {
      blob(folder, name).downloadToFile(copy.toString(), true);
      return copy;
    } catch (BlobStorageException e) {
      Files.deleteIfExists(copy);
      throw failure(e, folder, name);
    }
  }

  @Override
  public void release(Path local) throws IOException {
    Files.deleteIfExists(local);
  }

  @Override
  public Path staging() throws IOException {
    return Files.createTempDirectory("brazier-loader-staging");
  }

  @Override
  public void move(String folder, String name, String toFolder, String toName) throws IOException {
    BlobClient source = blob(folder, name);
    try (InputStream content = source.openInputStream()) {
      blob(toFolder, toName).upload(content, source.getProperties().getBlobSize(), true);
    } catch (BlobStorageException e) {
      throw failure(e, folder, name);
    }
    delete(folder, name);
  }

  @Override
  public void delete(String folder, String name) throws IOException {
    try {
      BlobRequestConditions lease = new BlobRequestConditions().setLeaseId(leases.get(folder + "/" + name));
      blob(folder, name).deleteWithResponse(DeleteSnapshotsOptionType.INCLUDE, lease, null, null);
    } catch (BlobStorageException e) {
      if (e.getStatusCode() != 404) {
        throw failure(e, folder, name);
      }
    }
  }

  @Override
  public Optional<Claim> claim(String folder, Stored file) throws IOException {
    BlobClient blob = blob(folder, file.name());
    BlobLeaseClient lease = new BlobLeaseClientBuilder().blobClient(blob).buildClient();
    String leaseId;
    try {
      leaseId = lease.acquireLease(LEASE_SECONDS);
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 409) {
        return Optional.empty(); // another loader holds it
      }
      throw failure(e, folder, file.name());
    }
    String key = folder + "/" + file.name();
    leases.put(key, leaseId);
    ScheduledFuture<?> renewal = renewals.scheduleAtFixedRate(() -> renew(lease), LEASE_SECONDS / 3,
        LEASE_SECONDS / 3, TimeUnit.SECONDS);
    int attempts;
    try {
      attempts = Integer.parseInt(blob.getProperties().getMetadata().getOrDefault(ATTEMPTS, "0")) + 1;
      recordAttempts(blob, leaseId, attempts);
    } catch (BlobStorageException | NumberFormatException e) {
      renewal.cancel(false);
      leases.remove(key);
      release(lease);
      throw e instanceof BlobStorageException storage ? failure(storage, folder, file.name())
          : new IOException("Bad attempts metadata on " + key, e);
    }
    return Optional.of(new BlobClaim(folder, file.name(), blob, lease, renewal, attempts));
  }

  /** Sets the blob's attempts in its metadata, under the lease its claim holds. */
  private void recordAttempts(BlobClient blob, String leaseId, int attempts) {
    Map<String, String> metadata = new HashMap<>(blob.getProperties().getMetadata());
    metadata.put(ATTEMPTS, Integer.toString(attempts));
    blob.setMetadataWithResponse(metadata, new BlobRequestConditions().setLeaseId(leaseId), null, null);
  }

  private static void renew(BlobLeaseClient lease) {
    try {
      lease.renewLease();
    } catch (BlobStorageException e) {
      // gone (moved away) or lost: the move under the lease tells
    }
  }

  private static void release(BlobLeaseClient lease) {
    try {
      lease.releaseLease();
    } catch (BlobStorageException e) {
      // the blob was moved away, and its lease with it
    }
  }

  private BlobClient blob(String folder, String name) {
    BlobContainerClient container = service.getBlobContainerClient(folder);
    return container.getBlobClient(name);
  }

  private static IOException failure(BlobStorageException e, String folder, String name) {
    if (e.getStatusCode() == 404) {
      return new NoSuchFileException(folder + "/" + name);
    }
    return new IOException("Blob storage refused " + folder + "/" + name + ": " + e.getErrorCode(), e);
  }

  @Override
  public String url(String folder, String name) {
    return blob(folder, name).getBlobUrl();
  }

  @Override
  public String kind() {
    return "blob";
  }

  @Override
  public String describe() {
    return service.getAccountUrl();
  }

  private final class BlobClaim implements Claim {
    private final String folder;
    private final String name;
    private final BlobClient blob;
    private final BlobLeaseClient lease;
    private final ScheduledFuture<?> renewal;
    private final int attempts;

    BlobClaim(String folder, String name, BlobClient blob, BlobLeaseClient lease, ScheduledFuture<?> renewal,
        int attempts) {
      this.folder = folder;
      this.name = name;
      this.blob = blob;
      this.lease = lease;
      this.renewal = renewal;
      this.attempts = attempts;
    }

    @Override
    public int attempts() {
      return attempts;
    }

    @Override
    public void finish() {
      // the blob was moved away, and its attempts with it
    }

    @Override
    public void giveBack() throws IOException {
      try {
        recordAttempts(blob, leases.get(folder + "/" + name), attempts - 1);
      } catch (BlobStorageException e) {
        throw failure(e, folder, name);
      }
    }

    @Override
    public void close() {
      renewal.cancel(false);
      leases.remove(folder + "/" + name);
      release(lease);
    }
  }
}
