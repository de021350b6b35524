package io.brazier.server;

import java.util.List;

/**
 * How the FHIR server behaves. {@code baseUrl} null means: derive it from each request (and from
 * X-Forwarded-Proto/Host when {@code trustForwardedHeaders}).
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
    return new ServerConfig("127.0.0.1", 8080, null, false, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_INDEX_ENTRIES,
        List.of(), false, 100, 20, DEFAULT_MAX_PAGE_SIZE, DEFAULT_BUNDLE_MAX_ENTRIES, DEFAULT_BUNDLE_MAX_BYTES,
        ReferentialIntegrity.ENFORCE, MissingReferences.ERROR, ImportConfig.NONE, ExportConfig.defaults(),
        DEFAULT_MAX_INCLUDES, ProfileValidation.OFF);
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(host, newPort, baseUrl, trustForwardedHeaders, maxBodyBytes, maxIndexEntries, corsOrigins,
        lenient, conditionalDeleteMax, pageSize, maxPageSize, bundleMaxEntries, bundleMaxBytes, referentialIntegrity,
        missingReferences, imports, exports, maxIncludes, profileValidation);
  }

  /** The same configuration with other rules for bundles and references. */
  public ServerConfig withBundles(int maxEntries, long maxBytes, ReferentialIntegrity integrity,
      MissingReferences missing) {
    return new ServerConfig(host, port, baseUrl, trustForwardedHeaders, maxBodyBytes, maxIndexEntries, corsOrigins,
        lenient, conditionalDeleteMax, pageSize, maxPageSize, maxEntries, maxBytes, integrity, missing, imports,
        exports, maxIncludes, profileValidation);
  }

  /** The base URL, and whether X-Forwarded-Proto/Host may set it: how a proxy in front is configured. */
  public ServerConfig withBaseUrl(String newBaseUrl, boolean trustForwarded) {
    return new ServerConfig(host, port, newBaseUrl, trustForwarded, maxBodyBytes, maxIndexEntries, corsOrigins, lenient,
        conditionalDeleteMax, pageSize, maxPageSize, bundleMaxEntries, bundleMaxBytes, referentialIntegrity,
        missingReferences, imports, exports, maxIncludes, profileValidation);
  }

  /** The most one request may send, and the most one conditional delete may remove. */
  public ServerConfig withLimits(long newMaxBodyBytes, int newConditionalDeleteMax) {
    return new ServerConfig(host, port, baseUrl, trustForwardedHeaders, newMaxBodyBytes, maxIndexEntries, corsOrigins,
        lenient, newConditionalDeleteMax, pageSize, maxPageSize, bundleMaxEntries, bundleMaxBytes, referentialIntegrity,
        missingReferences, imports, exports, maxIncludes, profileValidation);
  }

  /** Entries per page when the client sets no {@code _count}, and the most it may ask for. */
  public ServerConfig withPageSizes(int newPageSize, int newMaxPageSize) {
    return new ServerConfig(host, port, baseUrl, trustForwardedHeaders, maxBodyBytes, maxIndexEntries, corsOrigins,
        lenient, conditionalDeleteMax, newPageSize, newMaxPageSize, bundleMaxEntries, bundleMaxBytes,
        referentialIntegrity, missingReferences, imports, exports, maxIncludes, profileValidation);
  }

  /** The most search index entries one resource may have; a write of more is a 422. */
  public ServerConfig withMaxIndexEntries(int newMaxIndexEntries) {
    return new ServerConfig(host, port, baseUrl, trustForwardedHeaders, maxBodyBytes, newMaxIndexEntries, corsOrigins,
        lenient, conditionalDeleteMax, pageSize, maxPageSize, bundleMaxEntries, bundleMaxBytes, referentialIntegrity,
        missingReferences, imports, exports, maxIncludes, profileValidation);
  }

  public ServerConfig withLenient(boolean newLenient) {
    return new ServerConfig(host, port, baseUrl, trustForwardedHeaders, maxBodyBytes, maxIndexEntries, corsOrigins,
        newLenient, conditionalDeleteMax, pageSize, maxPageSize, bundleMaxEntries, bundleMaxBytes, referentialIntegrity,
        missingReferences, imports, exports, maxIncludes, profileValidation);
  }

  /** Where {@code $import} may read from. */
  public ServerConfig withImports(ImportConfig newImports) {
    return new ServerConfig(host, port, baseUrl, trustForwardedHeaders, maxBodyBytes, maxIndexEntries, corsOrigins,
        lenient, conditionalDeleteMax, pageSize, maxPageSize, bundleMaxEntries, bundleMaxBytes, referentialIntegrity,
        missingReferences, newImports, exports, maxIncludes, profileValidation);
  }

  /** How {@code $export} writes and keeps its files. */
  public ServerConfig withExports(ExportConfig newExports) {
    return new ServerConfig(host, port, baseUrl, trustForwardedHeaders, maxBodyBytes, maxIndexEntries, corsOrigins,
        lenient, conditionalDeleteMax, pageSize, maxPageSize, bundleMaxEntries, bundleMaxBytes, referentialIntegrity,
        missingReferences, imports, newExports, maxIncludes, profileValidation);
  }

  /** The most included resources a searchset holds; $includes pages the rest. */
  public ServerConfig withMaxIncludes(int newMaxIncludes) {
    return new ServerConfig(host, port, baseUrl, trustForwardedHeaders, maxBodyBytes, maxIndexEntries, corsOrigins,
        lenient, conditionalDeleteMax, pageSize, maxPageSize, bundleMaxEntries, bundleMaxBytes, referentialIntegrity,
        missingReferences, imports, exports, newMaxIncludes, profileValidation);
  }

  /** Which writes are validated against their profiles unasked. */
  public ServerConfig withProfileValidation(ProfileValidation newProfileValidation) {
    return new ServerConfig(host, port, baseUrl, trustForwardedHeaders, maxBodyBytes, maxIndexEntries, corsOrigins,
        lenient, conditionalDeleteMax, pageSize, maxPageSize, bundleMaxEntries, bundleMaxBytes, referentialIntegrity,
        missingReferences, imports, exports, maxIncludes, newProfileValidation);
  }

  public ServerConfig withCorsOrigins(List<String> newCorsOrigins) {
    return new ServerConfig(host, port, baseUrl, trustForwardedHeaders, maxBodyBytes, maxIndexEntries, newCorsOrigins,
        lenient, conditionalDeleteMax, pageSize, maxPageSize, bundleMaxEntries, bundleMaxBytes, referentialIntegrity,
        missingReferences, imports, exports, maxIncludes, profileValidation);
  }
}
