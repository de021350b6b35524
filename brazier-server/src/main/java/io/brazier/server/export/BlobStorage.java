package io.brazier.server.export;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.brazier.server.ExportConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Export files in Azure Blob storage: blobs {@code <job>/<Type>-<n>.ndjson} in the export's container, made of
 * blocks. A run stages its lines as blocks named after its attempt and, at each sync, commits the blocks so far,
 * on the condition that the blob is still as its own last commit left it (its ETag): a run that takes the job over
 * first commits the block list the cursor names, so the lost run's next commit fails and it writes nothing more.
 * The manifest links a finished blob by a read-only SAS that expires with the export, or by the server's own link.
 */
final class BlobStorage implements ExportStorage {
  /** Lines gather into blocks of this size before they are staged. */
  private static final int BLOCK = 4 * 1024 * 1024;
  /** Downloads through a SAS link cannot be seen: files stay an hour after their links expired. */
  private static final Duration GRACE = Duration.ofHours(1);

  private final BlobServiceClient service;
  private final ExportConfig.Links links;
  private final String container;

  BlobStorage(ExportConfig config) {
    BlobServiceClientBuilder builder = new BlobServiceClientBuilder();
    try {
      if (config.blob().startsWith("http://") || config.blob().startsWith("https://")) {
        builder.endpoint(config.blob());
      } else {
        builder.connectionString(config.blob());
      }
      this.service = builder.buildClient();
    } catch (IllegalArgumentException e) {
      // The SDK's message names the fault; the value, a secret, is left out.
      throw new IllegalArgumentException("--export-blob must be a Blob connection string or an account URL with a"
          + " SAS: " + e.getMessage(), e);
    }
    this.links = config.links();
    this.container = config.container();
  }

  @Override
  public OpenFile open(ExportFolder folder, FileState state, String attempt) {
    BlockBlobClient blob = blob(folder, state.name()).getBlockBlobClient();
    // Once per file, not remembered: a request per 64 MB, and right even if someone deleted the container since.
    service.getBlobContainerClient(folder.container()).createIfNotExists();
    try {
      // Takes the blob to what the cursor names (nothing, for a new file), whatever a run that lost the job wrote
      // there: that run's commits, all conditional on its own last one, fail from now on.
      String etag = blob.commitBlockList(state.blocks(), true).getETag();
      return new BlobFile(blob, attempt, state.blocks(), etag);
    } catch (BlobStorageException e) {
      throw new CannotResume(folder.job() + "/" + state.name() + " lacks the blocks synced: " + e.getErrorCode());
    }
  }

  @Override
  public InputStream read(ExportFolder folder, String name) throws IOException {
    try {
      return blob(folder, name).openInputStream();
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 404) {
        throw new NoSuchFileException(folder.job() + "/" + name);
      }
      throw new IOException("Could not read " + folder.job() + "/" + name + ": " + e.getErrorCode(), e);
    }
  }

  @Override
  public String link(ExportFolder folder, String name, String server, Instant expires) {
    if (links == ExportConfig.Links.SERVER) {
      return server;
    }
    BlobClient blob = blob(folder, name);
    String sas = blob.generateSas(new BlobServiceSasSignatureValues(expires.atOffset(ZoneOffset.UTC),
        new BlobSasPermission().setReadPermission(true)));
    return blob.getBlobUrl() + "?" + sas;
  }

  @Override
  public Duration grace() {
    return GRACE;
  }

  @Override
  public boolean serverLinks() {
    return links == ExportConfig.Links.SERVER;
  }

  @Override
  public void delete(ExportFolder folder) {
    keepOnly(folder, Set.of());
  }

  @Override
  public void keepOnly(ExportFolder folder, Set<String> names) {
    BlobContainerClient blobs = service.getBlobContainerClient(folder.container());
    String prefix = folder.job() + "/";
    try {
      for (BlobItem item : blobs.listBlobs(new ListBlobsOptions().setPrefix(prefix), null)) {
        if (!names.contains(item.getName().substring(prefix.length()))) {
          blobs.getBlobClient(item.getName()).deleteIfExists();
        }
      }
    } catch (BlobStorageException e) {
      if (e.getStatusCode() != 404) { // no container: nothing to delete
        throw e;
      }
    }
  }

  @Override
  public Set<ExportFolder> folders() {
    Set<ExportFolder> folders = new HashSet<>();
    BlobContainerClient blobs = service.getBlobContainerClient(container);
    if (!blobs.exists()) {
      return folders;
    }
    // Delimited by "/", the job folders; the one-argument listBlobsByHierarchy takes a prefix, and would list none.
    for (BlobItem item : blobs.listBlobsByHierarchy("/", new ListBlobsOptions(), null)) {
      String job = item.getName().endsWith("/") ? item.getName().substring(0, item.getName().length() - 1) : "";
      if (Boolean.TRUE.equals(item.isPrefix()) && ExportFolder.isJob(job)) {
        folders.add(new ExportFolder(container, job));
      }
    }
    return folders;
  }

  private BlobClient blob(ExportFolder folder, String name) {
    return service.getBlobContainerClient(folder.container()).getBlobClient(folder.job() + "/" + name);
  }

  /** A blob being written: lines gather into a block, staged when full and at each sync. */
  private static final class BlobFile implements OpenFile {
    private final BlockBlobClient blob;
    private final String attempt;
    private final List<String> blocks;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private String etag;
    private int staged;

    BlobFile(BlockBlobClient blob, String attempt, List<String> committed, String etag) {
      this.blob = blob;
      this.attempt = attempt;
      this.blocks = new ArrayList<>(committed);
      this.etag = etag;
    }

    @Override
    public void write(byte[] line) {
      pending.writeBytes(line);
      pending.write('\n');
      if (pending.size() >= BLOCK) {
        stage();
      }
    }

    private void stage() {
      if (pending.size() == 0) {
        return;
      }
      // Every block id of a blob has the same length: the attempt's 8 characters and a number of 8 digits.
      String id = Base64.getEncoder().encodeToString(String.format("%s-%08d", attempt, staged++)
          .getBytes(StandardCharsets.US_ASCII));
      blob.stageBlock(id, BinaryData.fromBytes(pending.toByteArray()));
      blocks.add(id);
      pending.reset();
    }

    @Override
    public FileState sync(FileState written) {
      stage();
      etag = blob.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(blocks)
          .setRequestConditions(new BlobRequestConditions().setIfMatch(etag)), null, null).getValue().getETag();
      return written.written(written.count(), written.bytes(), null, blocks, etag);
    }

    @Override
    public void finish(FileState written) {
      sync(written);
    }

    @Override
    public void close() {
      // staged blocks that no commit names are dropped by the storage; the last sync is what a next run takes up
    }
  }
}
