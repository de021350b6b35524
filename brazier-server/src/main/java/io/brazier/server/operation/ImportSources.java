package io.brazier.server.operation;

import io.brazier.client.HttpUrls;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Lazy;
import io.brazier.server.ImportConfig;
import io.brazier.server.http.ETags;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Where {@code $import} reads its inputs, within what {@link ImportConfig} allows, so that an import cannot read the
 * server's own files or reach into its network: {@code file:} URLs below {@code --import-dir} ({@link FileSources}),
 * {@code http(s)} URLs of the {@code --import-hosts} (a SAS URL of Azure Blob storage,
 * {@code *.blob.core.windows.net} with a {@code sig}, is a public endpoint and needs no listing), and Blob URLs of
 * the {@code --import-blob} account ({@link BlobSources}). A redirect is followed by hand, a few hops at most, each
 * only to an http(s) URL of those same hosts: it could lead anywhere. A gzip input (by its first bytes) is read
 * through gzip. Messages name an input by its URL redacted
 * ({@link HttpUrls#redacted}): a SAS or a signed URL is a key to the data, and a message may reach a log.
 */
final class ImportSources {
  /**
   * How long an http(s) input may keep the import waiting, for its answer or for the next bytes of its body: shorter
   * than a job's lease, so that a run waiting on a source keeps its job.
   */
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  /** Redirects followed for one input, as many as a browser's fetch follows, and as few. */
  private static final int REDIRECTS = 5;
  /** The answers that redirect a GET: each is followed with a GET. */
  private static final Set<Integer> REDIRECT = Set.of(301, 302, 303, 307, 308);

  private final ImportConfig config;
  private final Duration timeout;
  /** Made on the first http(s) input, not at start: its TLS set-up costs a third of a second of CPU. */
  private final Lazy<HttpClient> http;
  /** Closes the bodies of http(s) inputs that stall ({@link StallTimeout}). */
  private final Lazy<ScheduledExecutorService> watchdog = Lazy.of(() -> Executors.newSingleThreadScheduledExecutor(
      task -> {
        Thread thread = new Thread(task, "brazier-import-watchdog");
        thread.setDaemon(true);
        return thread;
      }));
  private final FileSources files;
  private final BlobSources blobs;

  ImportSources(ImportConfig config) {
    this(config, TIMEOUT);
  }

  /** Sources whose http(s) inputs may keep an import waiting for {@code timeout}. */
  ImportSources(ImportConfig config, Duration timeout) {
    this.config = config;
    this.timeout = timeout;
    this.http = Lazy.of(() -> HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(timeout).build());
    this.files = config.dir() == null ? null : new FileSources(config.dir());
    this.blobs = config.blob() == null ? null : new BlobSources(config.blob());
  }

  /** An input to read: where from, and whether it is still what the client named ({@code etag}). */
  interface Source {
    /** Checks that the input is there (and has the ETag, if one is given): a 400 or 412 otherwise. */
    void check(String etag);

    /** The input opened at its start. */
    Opened open(String etag) throws IOException;

    /**
     * What the source reads, the same for every URL that reads it, so that a kick-off can refuse one input listed
     * twice by two URLs.
     */
    String identity();
  }

  /**
   * An input opened: its bytes from the start, as stored (maybe gzip), and the ETag of the version they are (a
   * file's: {@link UnchangedFile#version}), or null where the source has none (a server that sends none).
   */
  record Opened(InputStream body, String etag) {}

  /** The source of a URL, if this server may read it; a 400 that names the flag to set otherwise. */
  Source source(String url) {
    String shown = HttpUrls.redacted(url);
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw FhirException.badRequest("The input " + shown + " is not a URL.");
    }
    if ("file".equalsIgnoreCase(uri.getScheme())) {
      if (files == null) {
        throw FhirException.badRequest("The input " + shown + " is a file; set --import-dir to the folder that"
            + " this server may import files from.");
      }
      return files.source(shown, uri);
    }
    if (!HttpUrls.isHttp(uri)) {
      throw FhirException.badRequest("The input " + shown + (HttpUrls.isHttpScheme(uri) ? " " + noHost(uri)
          : " is neither a file: nor an http(s) URL") + ".");
    }
    if (blobs != null && blobs.holds(url)) {
      return blobs.source(url);
    }
    if (!allowed(uri) && isBlob(uri)) {
      // Listing the host would let the server read it, but without credentials: Azure would refuse every read.
      throw FhirException.badRequest("The input " + shown + " is an Azure Blob URL without a SAS: give one (its sig="
          + " query) or the account's connection string with --import-blob.");
    }
    if (!allowed(uri)) {
      throw FhirException.badRequest("The input " + shown + " is on a host this server may not read from; list "
          + hostPort(uri) + " in --import-hosts to allow it.");
    }
    return new HttpSource(shown, uri);
  }

  /** Where a redirect of an http(s) input leads, if this server may read it there; a 400 naming the flag otherwise. */
  private URI redirect(String shown, URI from, String location) {
    URI to;
    try {
      to = from.resolve(new URI(location));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw FhirException.badRequest("The input " + shown + " redirects to " + HttpUrls.redacted(location)
          + ", which is not a URL.");
    }
    if (!HttpUrls.isHttp(to)) {
      throw FhirException.badRequest("The input " + shown + " redirects to " + HttpUrls.redacted(to.toString())
          + ", which " + (HttpUrls.isHttpScheme(to) ? noHost(to) : "is not an http(s) URL") + ": an import follows"
          + " a redirect only to a host of --import-hosts.");
    }
    if (!allowed(to)) {
      throw FhirException.badRequest("The input " + shown + " redirects to " + HttpUrls.redacted(to.toString())
          + ", on a host this server may not read from; list " + hostPort(to) + " in --import-hosts to allow it.");
    }
    return to;
  }

  /**
   * Why an http(s) URL names no host: Java's URLs (and so its HTTP client) take only host names of letters, digits,
   * hyphens and dots, an IP address or none, so {@code storage_1} (a Docker Compose service) or {@code 10.0.0.1.}
   * cannot be reached.
   */
  private static String noHost(URI uri) {
    return "names no host this server can reach: " + (uri.getRawAuthority() == null ? "it has none"
        : uri.getRawAuthority() + " is no host name of letters, digits, hyphens and dots (nor an IP address)");
  }

  private boolean allowed(URI uri) {
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    boolean sas = isBlob(uri) && uri.getRawQuery() != null && uri.getRawQuery().contains("sig=");
    return sas || config.hosts().contains(host) || config.hosts().contains(hostPort(uri));
  }

  private static boolean isBlob(URI uri) {
    return uri.getHost().toLowerCase(Locale.ROOT).endsWith(".blob.core.windows.net");
  }

  /** The URL's host and port, its scheme's port when it names none: {@code host:443} allows {@code https://host/}. */
  private static String hostPort(URI uri) {
    int port = uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    return uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
  }

  /**
   * An http(s) URL of an allowed host, read with a GET, following redirects to allowed hosts
   * ({@value #REDIRECTS} at most). An answer of 5xx, 429 or 408, which may pass, fails the read, which is tried
   * again; any other answer but 200 fails the input.
   */
  private final class HttpSource implements Source {
    /** The URL as messages show it ({@link HttpUrls#redacted}). */
    private final String shown;
    private final URI uri;

    HttpSource(String shown, URI uri) {
      this.shown = shown;
      this.uri = uri;
    }

    /** The URL: another may answer the same, but only its server knows. */
    @Override
    public String identity() {
      return uri.toString();
    }

    @Override
    public void check(String etag) {
      try {
        get(etag).body().close();
      } catch (Unavailable e) {
        // The source's own failure, not the client's: a 502, as a gateway answers for the server behind it.
        throw new FhirException(502, IssueType.TRANSIENT, "The input " + shown + " " + e.getMessage()
            + ": its server failed, not this request; try again later.");
      } catch (IOException e) {
        throw new FhirException(400, IssueType.NOTFOUND, "The input " + shown + " could not be read: "
            + reason(e));
      }
    }

    @Override
    public Opened open(String etag) throws IOException {
      HttpResponse<InputStream> response = get(etag);
      return new Opened(new StallTimeout(response.body(), timeout, watchdog.get()),
          response.headers().firstValue("ETag").orElse(null));
    }

    private HttpResponse<InputStream> get(String etag) throws IOException {
      URI target = uri;
      HttpResponse<InputStream> response = send(target);
      for (int hops = 0; REDIRECT.contains(response.statusCode()); hops++) {
        response.body().close();
        String location = response.headers().firstValue("Location").orElse(null);
        if (location == null || hops == REDIRECTS) {
          throw new FhirException(400, IssueType.NOTFOUND, "The input " + shown + (location == null ? " answered "
              + response.statusCode() + ", a redirect without a Location." : " redirects more than " + REDIRECTS
              + " times."));
        }
        target = redirect(shown, target, location);
        response = send(target);
      }
      int status = response.statusCode();
      if (status != 200) {
        response.body().close();
        if (status / 100 == 5 || status == 429 || status == 408) {
          throw new Unavailable(status); // may pass: read again
        }
        throw new FhirException(400, IssueType.NOTFOUND, "The input " + shown + " answered " + status
            + (target.equals(uri) ? "." : " at " + HttpUrls.redacted(target.toString()) + "."));
      }
      if (endsWithItsConnection(response)) {
        response.body().close();
        throw new FhirException(400, IssueType.NOTSUPPORTED, "The input " + shown + " answered without a"
            + " Content-Length or a chunked Transfer-Encoding: its body ends where the connection closes, so a"
            + " connection cut short would pass for its end.");
      }
      String actual = response.headers().firstValue("ETag").orElse(null);
      if (etag != null && !ETags.same(etag, actual)) {
        response.body().close();
        throw FhirException.preconditionFailed("The input " + shown + (actual == null ? " answered without an ETag,"
            + " so its etag " + etag + " cannot be checked: leave it out to import the input as it is."
            : " has ETag " + actual + ", not " + etag + "."));
      }
      return response;
    }

    private HttpResponse<InputStream> send(URI target) throws IOException {
      try {
        return http.get().send(HttpRequest.newBuilder(target).timeout(timeout).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
  }

  /** An answer of 5xx, 429 or 408: the source cannot serve the input now, which may pass. */
  private static final class Unavailable extends IOException {
    Unavailable(int status) {
      super("answered " + status);
    }
  }

  /**
   * Whether an answer's body ends only where its connection closes (HTTP/1.0's way, which HTTP/1.1 keeps): its
   * lines cut short by a connection that broke would be imported as if they were all, a silent short count. A length,
   * or chunks, which end with an empty chunk, let a cut show; HTTP/2 ends a body with a frame of its own.
   */
  private static boolean endsWithItsConnection(HttpResponse<?> response) {
    return response.version() != HttpClient.Version.HTTP_2
        && response.headers().firstValue("Content-Length").isEmpty()
        && response.headers().firstValue("Transfer-Encoding").isEmpty();
  }

  /** Why a read failed, for the client: HttpClient's ConnectException (a port nobody listens on) has no message. */
  static String reason(IOException e) {
    if (e.getMessage() != null) {
      return e.getMessage();
    }
    return e instanceof ConnectException ? "no connection to its host" : e.getClass().getSimpleName();
  }

  /**
   * The bytes of an input, through gzip when they are gzip (1f 8b), whatever its name says, to the end of its last
   * member ({@link GzipMembers}). Text in UTF-16 (as Windows PowerShell writes a redirected output), which would be
   * read as lines of garbage, fails the input at once, gzip or not.
   */
  static InputStream decoded(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    try {
      // Gzip not buffered again: a BufferedInputStream reads on while gzip says bytes are available, and a read that
      // then meets a cut in the stream would lose the bytes it had read before.
      PushbackInputStream text = new PushbackInputStream(startsWith(in, 0x1f, 0x8b) ? new GzipMembers(in) : in, 2);
      byte[] start = text.readNBytes(2);
      if (start.length == 2 && (start[0] == (byte) 0xff && start[1] == (byte) 0xfe
          || start[0] == (byte) 0xfe && start[1] == (byte) 0xff)) {
        throw FhirException.invalid("The input is UTF-16, as its byte order mark says: NDJSON is UTF-8.");
      }
      text.unread(start);
      return text;
    } catch (IOException | RuntimeException e) {
      in.close(); // nobody else holds it to close
      throw e;
    }
  }

  /** Whether a stream (that supports mark) starts with these two bytes; it is read from its start again after. */
  private static boolean startsWith(InputStream in, int first, int second) throws IOException {
    in.mark(2);
    boolean starts = in.read() == first && in.read() == second;
    in.reset();
    return starts;
  }
}
