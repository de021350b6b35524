package io.brazier.app;

import io.brazier.client.FhirClient;
import io.brazier.client.HttpFhirClient;
import io.brazier.client.HttpUrls;
import io.brazier.loader.ExportSources;
import io.brazier.loader.LoaderConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * How {@code brazier load}, {@code loader} and {@code export} reach a FHIR server: its URL, its OAuth2, headers,
 * timeout, requests at once and retries.
 */
final class ClientOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--fhir", defaultValue = "http://localhost:8080/fhir", paramLabel = "URL",
      description = "Base URL of the FHIR R4 server (default: ${DEFAULT-VALUE}).")
  URI fhir;

  @Mixin
  TokenOptions token;

  @Option(names = "--concurrency", paramLabel = "N",
      description = "Requests in flight at once (default: 2 per core).")
  Integer concurrency;

  @Option(names = "--max-retries", defaultValue = "5", paramLabel = "N",
      description = "Retries of a request that failed for a reason that may pass (429, 503, 5xx, network);"
          + " then the file fails (load names it with the reason and exits 1; loader moves it to bundleserr/,"
          + " ndjsonerr/ or ziperr/), or the export notes the failed search (default: ${DEFAULT-VALUE}).")
  int maxRetries;

  @Option(names = "--retry-base", defaultValue = "PT1S", paramLabel = "DURATION",
      description = "First wait before a retry, doubled each time, with jitter, unless the server says"
          + " Retry-After (default: ${DEFAULT-VALUE}).")
  Duration retryBase;

  @Option(names = "--header", paramLabel = "NAME:VALUE",
      description = "A header sent with every request, repeatable; e.g. x-bundle-processing-logic:parallel for"
          + " Azure Health Data Services.")
  List<String> headers = List.of();

  @Option(names = "--request-timeout", defaultValue = "PT5M", paramLabel = "DURATION",
      description = "Longest wait for the server's answer to one request (default: ${DEFAULT-VALUE}).")
  Duration requestTimeout;

  /** The concurrency given, or the default. */
  int concurrency(int fallback) {
    return concurrency != null ? concurrency : fallback;
  }

  /** A loader configuration with these requests at once and retries, and the loader's defaults otherwise. */
  LoaderConfig sending(int fallbackConcurrency) {
    LoaderConfig defaults = LoaderConfig.defaults();
    return Usage.checked(spec, () -> defaults.withSending(concurrency(fallbackConcurrency), defaults.maxEntries(),
        defaults.bundleSize()).withRetries(maxRetries, retryBase));
  }

  HttpFhirClient target() {
    if (!HttpUrls.isHttp(fhir)) {
      throw new ParameterException(spec.commandLine(), "--fhir must be an http(s) URL such as"
          + " http://localhost:8080/fhir, not " + fhir);
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new ParameterException(spec.commandLine(), "--request-timeout must be positive, not " + requestTimeout);
    }
    return new HttpFhirClient(fhir, Usage.checked(spec, token::credentials), requestTimeout, headers());
  }

  /**
   * The servers export jobs may read from: {@code own}, and the bases {@code allowed}, reached with these options'
   * timeout, headers and OAuth2 client (a token for each job's audience).
   */
  ExportSources exportSources(FhirClient own, LoaderConfig config, List<URI> allowed) {
    for (URI base : allowed) {
      if (!HttpUrls.isHttp(base)) {
        throw new ParameterException(spec.commandLine(), "--export-source must be the http(s) base URL of a FHIR"
            + " server, such as https://fhir.example/fhir, not " + base);
      }
    }
    Map<String, String> headers = headers();
    return new ExportSources(own, config, allowed, (base, audience) -> new HttpFhirClient(base,
        token.credentials(audience), requestTimeout, headers), token.asksForTokens());
  }

  private Map<String, String> headers() {
    Map<String, String> parsed = new LinkedHashMap<>();
    for (String header : headers) {
      int colon = header.indexOf(':');
      if (colon < 1) {
        throw new ParameterException(spec.commandLine(), "--header takes NAME:VALUE, e.g."
            + " x-bundle-processing-logic:parallel, not " + header);
      }
      String name = header.substring(0, colon).strip();
      String value = header.substring(colon + 1).strip();
      try {
        HttpRequest.newBuilder().header(name, value); // refuses what the HTTP client would refuse at every request
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--header " + name + " cannot be sent: " + e.getMessage());
      }
      parsed.put(name, value);
    }
    return parsed;
  }
}
