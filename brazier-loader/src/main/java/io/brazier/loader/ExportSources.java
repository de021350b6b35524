package io.brazier.loader;

import io.brazier.client.FhirClient;
import io.brazier.loader.export.Exporter;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The servers export jobs may read from: the loader's own, and the bases listed with {@code --export-source} (none
 * by default). A job that names another base gets a client of its own, with a token for its audience through the
 * loader's OAuth2 client credentials; without the list, a caller of the loader's endpoint could have the loader
 * fetch any URL, and send tokens there.
 */
public final class ExportSources {

  /** Reaches another FHIR server, with a token for {@code audience} when the loader has OAuth2 credentials. */
  @FunctionalInterface
  public interface Connector {
    FhirClient connect(URI base, String audience);
  }

  private final FhirClient own;
  private final LoaderConfig config;
  private final Set<String> allowed;
  private final Connector connector;
  private final boolean tokens;

  /**
   * @param allowed the other bases jobs may name
   * @param tokens whether the connector asks for tokens, so that {@code _audience} means something
   */
  public ExportSources(FhirClient own, LoaderConfig config, List<URI> allowed, Connector connector,
      boolean tokens) {
    this.own = own;
    this.config = config;
    this.allowed = allowed.stream().map(ExportSources::normal).collect(Collectors.toUnmodifiableSet());
    this.connector = connector;
    this.tokens = tokens;
  }

  /** The loader's own server only. */
  public static ExportSources only(FhirClient own, LoaderConfig config) {
    return new ExportSources(own, config, List.of(), (base, audience) -> {
      throw new IllegalStateException("no other source is allowed");
    }, false);
  }

  /**
   * An exporter reading from the source.
   *
   * @throws IllegalArgumentException when the source is not allowed, saying what to fix
   */
  Exporter exporter(ExportSource source) {
    if (source.own()) {
      return new Exporter(own, config);
    }
    if (!allowed.contains(normal(source.base()))) {
      throw new IllegalArgumentException("_baseAddress " + source.base() + " is not a source this loader may"
          + " export from: start it with --export-source " + source.base() + (allowed.isEmpty() ? ""
          + " (it allows none)" : " (it allows " + allowed.stream().sorted().collect(Collectors.joining(", "))
          + ")"));
    }
    if (source.audience() != null && !tokens) {
      throw new IllegalArgumentException("_audience asks for a token, but this loader has no OAuth2 client"
          + " credentials (--token-url, --client-id, --client-secret): drop _audience, or start it with them");
    }
    return new Exporter(connector.connect(source.base(), source.tokenAudience()), config);
  }

  private static String normal(URI base) {
    String text = base.toString();
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }
}
