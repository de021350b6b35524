package io.brazier.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * How Bulk Data {@code $export} writes and keeps its files; made by its {@link #builder}.
 *
 * @param dir where local exports go, one folder per job (null: a temporary folder of this process, deleted when it
 *     closes); nodes that share one, on shared storage, serve each other's files and resume each other's jobs
 * @param fileMaxBytes a type's file is rolled into the next when it would grow past this
 * @param maxRunning how many exports may be queued or running at once, across every node; more are a 429
 * @param ttl how long a finished export's manifest and files are kept
 * @param blob an Azure Storage connection string, or an account URL with a SAS, to export to Blob storage instead of
 *     local files; null for local files
 * @param container the Blob container of exports that name none ({@code _container})
 * @param links who serves the files of a Blob export: read-only SAS links of the storage, or this server
 * @param requiresAccessToken whether the server's own file links need the caller's token (the server runs with
 *     authentication), as the manifest says
 * @param page how many resources one read of the store brings
 * @param sync how often a run makes its files durable and records its cursor: what a run that takes over writes
 *     again, and what each sync costs (an fsync, a commit of blocks, a job update); zero: after every page
 */
public record ExportConfig(Path dir, long fileMaxBytes, int maxRunning, Duration ttl, String blob, String container,
    Links links, boolean requiresAccessToken, int page, Duration sync) {
  public static final long DEFAULT_FILE_MAX_BYTES = 64L * 1024 * 1024;
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);
  public static final String DEFAULT_CONTAINER = "export";
  public static final int DEFAULT_PAGE = 2000;
  public static final Duration DEFAULT_SYNC = Duration.ofSeconds(1);
  /** Ended jobs are purged after a week: an export cannot outlive its job. */
  public static final Duration MAX_TTL = Duration.ofDays(7);

  /** Who serves the files of an export to Blob storage. */
  public enum Links {
    /** Read-only SAS links of the storage account, expiring with the export. */
    SAS,
    /** This server, at [base]/_async/[job]/[file], as for local files. */
    SERVER
  }

  public ExportConfig {
    if (fileMaxBytes < 1024) {
      throw new IllegalArgumentException("--export-file-max-mb must be at least 1, not " + fileMaxBytes / 1024 / 1024);
    }
    if (maxRunning < 1) {
      throw new IllegalArgumentException("--export-max-running must be at least 1, not " + maxRunning);
    }
    if (ttl == null || ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("--export-ttl must be a positive duration of at most " + MAX_TTL
          + " (how long ended jobs are kept), not " + ttl);
    }
    if (blob != null && blob.isBlank()) {
      blob = null;
    }
    if (container == null || !isContainerName(container)) {
      throw new IllegalArgumentException("--export-container must be a Blob container name (3-63 lower-case letters,"
          + " digits and single hyphens), not " + container);
    }
    if (links == null) {
      links = Links.SAS;
    }
    if (blob != null && links == Links.SAS && (blob.startsWith("http://") || blob.startsWith("https://"))) {
      throw new IllegalArgumentException("--export-blob-links=sas signs its links with the account key of a"
          + " connection string; with an account URL and SAS, use --export-blob-links=server");
    }
    if (page < 1) {
      throw new IllegalArgumentException("An export reads at least one resource at a time, not " + page);
    }
    if (sync == null || sync.isNegative() || sync.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new IllegalArgumentException("An export syncs at most every 10 s, well within its job's lease, not "
          + sync);
    }
  }

  /** Local files in a temporary folder, 64 MB files, two exports at once, kept 24 hours. */
  public static ExportConfig defaults() {
    return builder().build();
  }

  /** A builder that starts from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this configuration, to make a copy with some settings changed. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Whether exports go to Azure Blob storage. */
  public boolean toBlob() {
    return blob != null;
  }

  /** Azure's rule for container names. */
  public static boolean isContainerName(String name) {
    return name.length() >= 3 && name.length() <= 63 && name.equals(name.toLowerCase(Locale.ROOT))
        && name.matches("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*");
  }

  /** Sets each setting by the name of its component; {@link #build} checks them together. */
  public static final class Builder {
    private Path dir;
    private long fileMaxBytes = DEFAULT_FILE_MAX_BYTES;
    private int maxRunning = 2;
    private Duration ttl = DEFAULT_TTL;
    private String blob;
    private String container = DEFAULT_CONTAINER;
    private Links links = Links.SAS;
    private boolean requiresAccessToken;
    private int page = DEFAULT_PAGE;
    private Duration sync = DEFAULT_SYNC;

    private Builder() {}

    private Builder(ExportConfig config) {
      dir = config.dir;
      fileMaxBytes = config.fileMaxBytes;
      maxRunning = config.maxRunning;
      ttl = config.ttl;
      blob = config.blob;
      container = config.container;
      links = config.links;
      requiresAccessToken = config.requiresAccessToken;
      page = config.page;
      sync = config.sync;
    }

    public Builder dir(Path value) {
      dir = value;
      return this;
    }

    public Builder fileMaxBytes(long value) {
      fileMaxBytes = value;
      return this;
    }

    public Builder maxRunning(int value) {
      maxRunning = value;
      return this;
    }

    public Builder ttl(Duration value) {
      ttl = value;
      return this;
    }

    public Builder blob(String value) {
      blob = value;
      return this;
    }

    public Builder container(String value) {
      container = value;
      return this;
    }

    public Builder links(Links value) {
      links = value;
      return this;
    }

    public Builder requiresAccessToken(boolean value) {
      requiresAccessToken = value;
      return this;
    }

    public Builder page(int value) {
      page = value;
      return this;
    }

    public Builder sync(Duration value) {
      sync = value;
      return this;
    }

    /** The configuration; a value out of range is an IllegalArgumentException naming its flag. */
    public ExportConfig build() {
      return new ExportConfig(dir, fileMaxBytes, maxRunning, ttl, blob, container, links, requiresAccessToken, page,
          sync);
    }
  }
}
