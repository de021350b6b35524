package io.brazier.server;

import java.util.List;

/**
 * How the FHIR server behaves; made by its {@link #builder}.
 *
 * @param baseUrl null: derive it from each request (and from X-Forwarded-Proto/Host when
 *     {@code trustForwardedHeaders}), as behind a proxy
 * @param maxBodyBytes the most one request may send
 * @param maxIndexEntries the most search index entries one resource may have; a write of more is a 422
 * @param conditionalDeleteMax the most one conditional delete may remove
 * @param pageSize entries per page when the client sets no {@code _count}
 * @param maxPageSize the most {@code _count} may ask for
 * @param imports where {@code $import} may read from
 * @param exports how {@code $export} writes and keeps its files
 * @param maxIncludes the most included resources a searchset holds; {@code $includes} pages the rest
 * @param profileValidation which writes are validated against their profiles unasked
 */
public record ServerConfig(
    String host,
    int port,
    String baseUrl,
    boolean trustForwardedHeaders,
    long maxBodyBytes,
    int maxIndexEntries,
    List<String> corsOrigins,
    boolean lenient,
    int conditionalDeleteMax,
    int pageSize,
    int maxPageSize,
    int bundleMaxEntries,
    long bundleMaxBytes,
    ReferentialIntegrity referentialIntegrity,
    MissingReferences missingReferences,
    ImportConfig imports,
    ExportConfig exports,
    int maxIncludes,
    ProfileValidation profileValidation) {

  public static final long DEFAULT_MAX_BODY_BYTES = 128L * 1024 * 1024;
  /**
   * Seven times the most of any resource of the shared Synthea set (13,983, a Provenance of 13,974 targets; all
   * other types have at most 512, most under a hundred).
   */
  public static final int DEFAULT_MAX_INDEX_ENTRIES = 100_000;
  public static final int DEFAULT_BUNDLE_MAX_ENTRIES = 50_000;
  public static final int DEFAULT_MAX_PAGE_SIZE = 1000;
  public static final long DEFAULT_BUNDLE_MAX_BYTES = 64L * 1024 * 1024;
  /** Microsoft's FHIR server's MaxIncludeCountPerSearch. */
  public static final int DEFAULT_MAX_INCLUDES = 1000;

  /**
   * Whether every create (POST) and every update (PUT) is validated against its profiles, as if it carried
   * {@code x-ms-profile-validation: true} (Microsoft's ProfileValidationOnCreate and ProfileValidationOnUpdate).
   */
  public record ProfileValidation(boolean onCreate, boolean onUpdate) {
    public static final ProfileValidation OFF = new ProfileValidation(false, false);
  }

  /** What a write does with a local reference to a resource that does not exist. */
  public enum ReferentialIntegrity {
    /** Fails the write with 400. */
    ENFORCE,
    /** Stores the reference as it is. */
    LENIENT
  }

  /** What a write does with a reference that names nothing: a conditional reference with no match, or a missing id. */
  public enum MissingReferences {
    /** Fails the write with 400 (a missing id only when referential integrity is enforced). */
    ERROR,
    /** Creates a placeholder resource, tagged so that it can be found, and points the reference at it. */
    PLACEHOLDER
  }

  public ServerConfig {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("--port must be between 0 and 65535, not " + port);
    }
    if (maxBodyBytes < 1024) {
      throw new IllegalArgumentException("--max-body-bytes must be at least 1024, not " + maxBodyBytes);
    }
    if (maxIndexEntries < 1) {
      throw new IllegalArgumentException("--max-index-entries must be at least 1, not " + maxIndexEntries);
    }
    if (conditionalDeleteMax < 1) {
      throw new IllegalArgumentException("--conditional-delete-max must be at least 1, not " + conditionalDeleteMax);
    }
    if (pageSize < 1) {
      throw new IllegalArgumentException("--page-size must be at least 1, not " + pageSize);
    }
    if (maxPageSize < pageSize) {
      throw new IllegalArgumentException("--max-page-size must be at least --page-size (" + pageSize + "), not "
          + maxPageSize);
    }
    if (bundleMaxEntries < 1) {
      throw new IllegalArgumentException("--bundle-max-entries must be at least 1, not " + bundleMaxEntries);
    }
    if (bundleMaxBytes < 1024) {
      throw new IllegalArgumentException("--bundle-max-bytes must be at least 1024, not " + bundleMaxBytes);
    }
    if (maxIncludes < 1) {
      throw new IllegalArgumentException("--max-includes must be at least 1, not " + maxIncludes);
    }
    if (imports == null) {
      imports = ImportConfig.NONE;
    }
    if (exports == null) {
      exports = ExportConfig.defaults();
    }
    if (profileValidation == null) {
      profileValidation = ProfileValidation.OFF;
    }
    if (referentialIntegrity == null || missingReferences == null) {
      throw new IllegalArgumentException("--referential-integrity and --missing-references must be set");
    }
    if (baseUrl != null && baseUrl.endsWith("/")) {
      baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    }
    corsOrigins = List.copyOf(corsOrigins);
  }

  /** The defaults of {@code brazier serve}. */
  public static ServerConfig defaults() {
    return builder().build();
  }

  /** A builder that starts from the defaults: {@code ServerConfig.builder().port(0).build()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this configuration, to make a copy with some settings changed. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Sets each setting by the name of its component, one at a time; {@link #build} checks them together, so that a
   * new setting is a field, a setter, a line in the copy and an argument of {@code build}, and no caller changes.
   */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 8080;
    private String baseUrl;
    private boolean trustForwardedHeaders;
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxIndexEntries = DEFAULT_MAX_INDEX_ENTRIES;
    private List<String> corsOrigins = List.of();
    private boolean lenient;
    private int conditionalDeleteMax = 100;
    private int pageSize = 20;
    private int maxPageSize = DEFAULT_MAX_PAGE_SIZE;
    private int bundleMaxEntries = DEFAULT_BUNDLE_MAX_ENTRIES;
    private long bundleMaxBytes = DEFAULT_BUNDLE_MAX_BYTES;
    private ReferentialIntegrity referentialIntegrity = ReferentialIntegrity.ENFORCE;
    private MissingReferences missingReferences = MissingReferences.ERROR;
    private ImportConfig imports = ImportConfig.NONE;
    private ExportConfig exports = ExportConfig.defaults();
    private int maxIncludes = DEFAULT_MAX_INCLUDES;
    private ProfileValidation profileValidation = ProfileValidation.OFF;

    private Builder() {}

    private Builder(ServerConfig config) {
      host = config.host;
      port = config.port;
      baseUrl = config.baseUrl;
      trustForwardedHeaders = config.trustForwardedHeaders;
      maxBodyBytes = config.maxBodyBytes;
      maxIndexEntries = config.maxIndexEntries;
      corsOrigins = config.corsOrigins;
      lenient = config.lenient;
      conditionalDeleteMax = config.conditionalDeleteMax;
      pageSize = config.pageSize;
      maxPageSize = config.maxPageSize;
      bundleMaxEntries = config.bundleMaxEntries;
      bundleMaxBytes = config.bundleMaxBytes;
      referentialIntegrity = config.referentialIntegrity;
      missingReferences = config.missingReferences;
      imports = config.imports;
      exports = config.exports;
      maxIncludes = config.maxIncludes;
      profileValidation = config.profileValidation;
    }

    public Builder host(String value) {
      host = value;
      return this;
    }

    public Builder port(int value) {
      port = value;
      return this;
    }

    public Builder baseUrl(String value) {
      baseUrl = value;
      return this;
    }

    public Builder trustForwardedHeaders(boolean value) {
      trustForwardedHeaders = value;
      return this;
    }

    public Builder maxBodyBytes(long value) {
      maxBodyBytes = value;
      return this;
    }

    public Builder maxIndexEntries(int value) {
      maxIndexEntries = value;
      return this;
    }

    public Builder corsOrigins(List<String> value) {
      corsOrigins = value;
      return this;
    }

    public Builder lenient(boolean value) {
      lenient = value;
      return this;
    }

    public Builder conditionalDeleteMax(int value) {
      conditionalDeleteMax = value;
      return this;
    }

    public Builder pageSize(int value) {
      pageSize = value;
      return this;
    }

    public Builder maxPageSize(int value) {
      maxPageSize = value;
      return this;
    }

    public Builder bundleMaxEntries(int value) {
      bundleMaxEntries = value;
      return this;
    }

    public Builder bundleMaxBytes(long value) {
      bundleMaxBytes = value;
      return this;
    }

    public Builder referentialIntegrity(ReferentialIntegrity value) {
      referentialIntegrity = value;
      return this;
    }

    public Builder missingReferences(MissingReferences value) {
      missingReferences = value;
      return this;
    }

    public Builder imports(ImportConfig value) {
      imports = value;
      return this;
    }

    public Builder exports(ExportConfig value) {
      exports = value;
      return this;
    }

    public Builder maxIncludes(int value) {
      maxIncludes = value;
      return this;
    }

    public Builder profileValidation(ProfileValidation value) {
      profileValidation = value;
      return this;
    }

    /** The configuration; a value out of range is an IllegalArgumentException naming its flag. */
    public ServerConfig build() {
      return new ServerConfig(host, port, baseUrl, trustForwardedHeaders, maxBodyBytes, maxIndexEntries, corsOrigins,
          lenient, conditionalDeleteMax, pageSize, maxPageSize, bundleMaxEntries, bundleMaxBytes, referentialIntegrity,
          missingReferences, imports, exports, maxIncludes, profileValidation);
    }
  }
}
