package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import io.brazier.fhir.FhirException;
import io.brazier.server.ImportConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Which http(s) URLs {@code --import-hosts} allows (a port listed is the URL's, or its scheme's own), to which
 * redirects lead, and how long an http(s) input may keep a read waiting.
 */
class ImportSourcesTest {

  @Test
  void aHostListedWithItsSchemesPortAllowsUrlsThatNameNoPort() {
    ImportSources sources = new ImportSources(new ImportConfig(null, List.of("exports.example.org:443",
        "plain.example.org:80"), null));

    assertThat(sources.source("https://exports.example.org/Patient.ndjson")).isNotNull();
    assertThat(sources.source("https://exports.example.org:443/Patient.ndjson")).isNotNull();
    assertThat(sources.source("http://plain.example.org/Patient.ndjson")).isNotNull();
    assertThatThrownBy(() -> sources.source("http://exports.example.org/Patient.ndjson"))
        .isInstanceOf(FhirException.class).hasMessageContaining("list exports.example.org:80 in --import-hosts");
    assertThatThrownBy(() -> sources.source("https://exports.example.org:8443/Patient.ndjson"))
        .isInstanceOf(FhirException.class).hasMessageContaining("exports.example.org:8443");
  }

  @Test
  void aHostListedWithoutAPortAllowsEveryPort() {
    ImportSources sources = new ImportSources(new ImportConfig(null, List.of("Exports.Example.org"), null));

    assertThat(sources.source("https://exports.example.org/Patient.ndjson")).isNotNull();
    assertThat(sources.source("http://EXPORTS.example.org:8080/Patient.ndjson")).isNotNull();
    assertThatThrownBy(() -> sources.source("https://other.example.org/Patient.ndjson"))
        .isInstanceOf(FhirException.class).hasMessageContaining("--import-hosts");
  }

  @Test
  void anHttpUrlWhoseHostIsNoHostNameSaysSoRatherThanThatItIsNoHttpUrl() {
    ImportSources sources = new ImportSources(new ImportConfig(null, List.of("storage_1:9000"), null));

    for (String url : List.of("http://storage_1:9000/Patient.ndjson", "https://10.0.0.1./Patient.ndjson")) {
      assertThatThrownBy(() -> sources.source(url)).as(url).isInstanceOfSatisfying(FhirException.class,
          e -> assertThat(e.status()).isEqualTo(400)).hasMessageStartingWith("The input " + url + " names no host"
              + " this server can reach").hasMessageContaining("letters, digits, hyphens and dots");
    }
    assertThatThrownBy(() -> sources.source("http:///Patient.ndjson")).isInstanceOf(FhirException.class)
        .hasMessage("The input http:///Patient.ndjson names no host this server can reach: it has none.");
    assertThatThrownBy(() -> sources.source("ftp://exports.example.org/Patient.ndjson"))
        .isInstanceOf(FhirException.class).hasMessageEndingWith("is neither a file: nor an http(s) URL.");
  }

  @Test
  void anAzureBlobUrlWithoutASasSaysToGiveOneOrTheAccount() {
    ImportSources sources = new ImportSources(new ImportConfig(null, List.of(), null));

    assertThat(sources.source("https://acct.blob.core.windows.net/c/Patient.ndjson?sv=1&sig=abc")).isNotNull();
    assertThatThrownBy(() -> sources.source("https://acct.blob.core.windows.net/c/Patient.ndjson"))
        .isInstanceOf(FhirException.class).hasMessage("The input https://acct.blob.core.windows.net/c/Patient.ndjson"
            + " is an Azure Blob URL without a SAS: give one (its sig= query) or the account's connection string"
            + " with --import-blob.");
  }

  @Test
  void anInputInUtf16FailsAtOnceWhileUtf8WithAByteOrderMarkIsReadAsItIsGzipOrNot() throws IOException {
    String line = "\ufeff{\"resourceType\":\"Patient\"}\r\n";
    for (byte[] utf16 : List.of(line.getBytes(StandardCharsets.UTF_16LE), line.getBytes(StandardCharsets.UTF_16BE))) {
      assertThatThrownBy(() -> ImportSources.decoded(new ByteArrayInputStream(utf16)))
          .isInstanceOf(FhirException.class)
          .hasMessage("The input is UTF-16, as its byte order mark says: NDJSON is UTF-8.");
    }
    byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
    for (byte[] input : List.of(utf8, gzip(utf8))) {
      try (InputStream in = ImportSources.decoded(new ByteArrayInputStream(input))) {
        assertThat(in.readAllBytes()).isEqualTo(utf8);
      }
    }
  }

  @Test
  void utf16InsideAGzipFailsAtOnceAsPlainUtf16Does() {
    String line = "\ufeff{\"resourceType\":\"Patient\"}\r\n";
    for (byte[] utf16 : List.of(line.getBytes(StandardCharsets.UTF_16LE), line.getBytes(StandardCharsets.UTF_16BE))) {
      assertThatThrownBy(() -> ImportSources.decoded(new ByteArrayInputStream(gzip(utf16))))
          .isInstanceOf(FhirException.class)
          .hasMessage("The input is UTF-16, as its byte order mark says: NDJSON is UTF-8.");
    }
  }

  /**
   * A gzip of several members ({@code cat a.gz b.gz}, or a server that gzips its answer page by page) is read to
   * its last member, even when the next member has not arrived yet as one ends.
   */
  @Test
  void aGzipOfSeveralMembersIsReadWholeThoughTheNextHasNotArrivedAsOneEnds() throws IOException {
    byte[] first = gzip("{\"resourceType\":\"Patient\",\"id\":\"1\"}\n".getBytes(StandardCharsets.UTF_8));
    byte[] second = gzip("{\"resourceType\":\"Patient\",\"id\":\"2\"}\n".getBytes(StandardCharsets.UTF_8));

    try (InputStream in = ImportSources.decoded(new Arriving(first, second))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"resourceType\":\"Patient\","
          + "\"id\":\"1\"}\n{\"resourceType\":\"Patient\",\"id\":\"2\"}\n");
    }
  }

  /**
   * Bytes after the last member that start no other (another file joined to a gzip, a cut and a copy) are no silent
   * end of the input but a bad gzip, whether they arrive with the member or after it.
   */
  @Test
  void bytesAfterAGzipThatStartNoMemberFailTheReadRatherThanEndTheInput() throws IOException {
    byte[] line = "{\"resourceType\":\"Patient\",\"id\":\"1\"}\n".getBytes(StandardCharsets.UTF_8);
    byte[] zipped = gzip(line);
    byte[] joined = Arrays.copyOf(zipped, zipped.length + line.length);
    System.arraycopy(line, 0, joined, zipped.length, line.length);

    for (InputStream input : List.of(new Arriving(joined), new Arriving(zipped, line),
        new Arriving(Arrays.copyOf(zipped, zipped.length + 100)))) {
      try (InputStream in = ImportSources.decoded(input)) {
        assertThat(in.readNBytes(line.length)).isEqualTo(line);
        assertThatThrownBy(in::read).isInstanceOf(IOException.class)
            .hasMessage("its gzip stream is followed by bytes that start no other gzip stream");
      }
    }
  }

  /**
   * Bytes that arrive in parts, as over a network: a read gives at most the rest of one part, and none of the next
   * is available before a read waits for it.
   */
  private static final class Arriving extends InputStream {
    private final ArrayDeque<ByteArrayInputStream> parts = new ArrayDeque<>();

    Arriving(byte[]... parts) {
      for (byte[] part : parts) {
        this.parts.add(new ByteArrayInputStream(part));
      }
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) {
      for (; !parts.isEmpty(); parts.remove()) {
        int read = parts.peek().read(bytes, offset, length);
        if (read > 0) {
          return read;
        }
      }
      return -1;
    }

    @Override
    public int available() {
      return 0;
    }
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(bytes);
    }
    return out.toByteArray();
  }

  @Test
  void redirectsAreFollowedHopByHopWithinTheListedHosts() throws IOException {
    try (Redirects server = new Redirects(Map.of("/old", "/moved", "/moved", "http://127.0.0.1:%d/Patient.ndjson"))) {
      ImportSources sources = new ImportSources(new ImportConfig(null, List.of(server.hostPort()), null));

      sources.source(server.url("/old")).check(null);
      try (InputStream in = sources.source(server.url("/old")).open(null).body()) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(Redirects.BODY);
      }
    }
  }

  @Test
  void aRedirectToAHostNotListedOrToAFileOrOnAndOnFailsTheInputNamingTheFlag() throws IOException {
    try (Redirects server = new Redirects(Map.of("/away", "/elsewhere", "/elsewhere",
        "http://localhost:%d/Patient.ndjson", "/file", "file:///etc/passwd", "/loop", "/loop", "/underscore",
        "http://storage_1:9000/Patient.ndjson"))) {
      ImportSources sources = new ImportSources(new ImportConfig(null, List.of(server.hostPort()), null));

      assertThatThrownBy(() -> sources.source(server.url("/away")).check(null)).isInstanceOf(FhirException.class)
          .hasMessage("The input " + server.url("/away") + " redirects to http://localhost:" + server.port()
              + "/Patient.ndjson, on a host this server may not read from; list localhost:" + server.port()
              + " in --import-hosts to allow it.");
      assertThatThrownBy(() -> sources.source(server.url("/file")).open(null)).isInstanceOf(FhirException.class)
          .hasMessage("The input " + server.url("/file") + " redirects to file:///etc/passwd, which is not an"
              + " http(s) URL: an import follows a redirect only to a host of --import-hosts.");
      assertThatThrownBy(() -> sources.source(server.url("/underscore")).check(null))
          .isInstanceOf(FhirException.class).hasMessageStartingWith("The input " + server.url("/underscore")
              + " redirects to http://storage_1:9000/Patient.ndjson, which names no host this server can reach");
      assertThatThrownBy(() -> sources.source(server.url("/loop")).check(null)).isInstanceOf(FhirException.class)
          .hasMessage("The input " + server.url("/loop") + " redirects more than 5 times.");
    }
  }

  @Test
  void anHttpInputNobodyAnswersSaysSoRatherThanNull() throws IOException {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/Patient.ndjson";
    ImportSources sources = new ImportSources(new ImportConfig(null, List.of("127.0.0.1:" + port), null));

    assertThatThrownBy(() -> sources.source(url).check(null)).isInstanceOf(FhirException.class)
        .hasMessage("The input " + url + " could not be read: no connection to its host");
  }

  @Test
  void anAnswerThatEndsWhereItsConnectionClosesIsRefusedAsACutWouldPassForItsEnd() throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String url = "http://127.0.0.1:" + listening.getLocalPort() + "/Patient.ndjson";
      ImportSources sources = new ImportSources(new ImportConfig(null, List.of("127.0.0.1:"
          + listening.getLocalPort()), null));
      thread.submit(() -> {
        try (Socket client = listening.accept()) {
          InputStream in = client.getInputStream();
          for (int ends = 0; ends < 4; ) { // up to the blank line after the request's headers
            int read = in.read();
            ends = read == '\r' || read == '\n' ? ends + 1 : read < 0 ? 4 : 0;
          }
          client.getOutputStream().write(("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"
              + "{\"resourceType\":\"Patient\"}\n").getBytes(StandardCharsets.UTF_8));
        }
        return null;
      });

      assertThatThrownBy(() -> sources.source(url).check(null)).isInstanceOfSatisfying(FhirException.class,
          e -> assertThat(e.status()).isEqualTo(400)).hasMessage("The input " + url + " answered without a"
              + " Content-Length or a chunked Transfer-Encoding: its body ends where the connection closes, so a"
              + " connection cut short would pass for its end.");
    } finally {
      thread.shutdownNow();
    }
  }

  @Test
  void anEtagForAnHttpInputThatAnswersWithoutOneFailsSayingItCannotBeChecked() throws IOException {
    try (Redirects server = new Redirects(Map.of())) {
      ImportSources sources = new ImportSources(new ImportConfig(null, List.of(server.hostPort()), null));
      String url = server.url("/Patient.ndjson");

      assertThatThrownBy(() -> sources.source(url).check("\"1\"")).isInstanceOfSatisfying(FhirException.class,
          e -> assertThat(e.status()).isEqualTo(412)).hasMessage("The input " + url + " answered without an ETag,"
              + " so its etag \"1\" cannot be checked: leave it out to import the input as it is.");
    }
  }

  /**
   * An HTTP server that answers each path of its map with a 302 (or a 301, 303, 307, 308 in turn) to the URL it
   * maps to ({@code %d}: its own port), and any other path with a 200 and {@link #BODY}.
   */
  private static final class Redirects implements AutoCloseable {
    static final String BODY = "{\"resourceType\":\"Patient\"}\n";
    private static final int[] STATUSES = {302, 301, 303, 307, 308};
    private final HttpServer server;
    private final AtomicInteger answered = new AtomicInteger();

    Redirects(Map<String, String> redirects) throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", exchange -> {
        String to = redirects.get(exchange.getRequestURI().getPath());
        if (to != null) {
          exchange.getResponseHeaders().add("Location", to.formatted(port()));
          exchange.sendResponseHeaders(STATUSES[answered.getAndIncrement() % STATUSES.length], -1);
        } else {
          byte[] bytes = BODY.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
        }
        exchange.close();
      });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    String hostPort() {
      return "127.0.0.1:" + port();
    }

    String url(String path) {
      return "http://" + hostPort() + path;
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  @Test
  void aSourceThatStopsSendingFailsTheReadAfterTheTimeoutRatherThanHoldItForEver() throws IOException {
    try (Stalling stalling = new Stalling("{\"resourceType\":\"Patient\"}\n")) {
      ImportSources sources = new ImportSources(new ImportConfig(null, List.of(stalling.hostPort()), null),
          Duration.ofMillis(300));

      try (InputStream in = sources.source(stalling.url()).open(null).body()) {
        assertThat(new String(in.readNBytes(27), StandardCharsets.UTF_8)).isEqualTo("{\"resourceType\":\"Patient\"}\n");
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(in::read)
            .isInstanceOf(IOException.class).hasMessage("the source sent nothing for 300 ms"));
      }
    }
  }

  @Test
  void aSourceThatBreaksOffItsAnswerSaysSoRatherThanClosed() throws IOException {
    Stalling stalling = new Stalling("{\"resourceType\":\"Patient\"}\n");
    ImportSources sources = new ImportSources(new ImportConfig(null, List.of(stalling.hostPort()), null));

    try (InputStream in = sources.source(stalling.url()).open(null).body()) {
      assertThat(in.readNBytes(27)).hasSize(27);
      stalling.close();
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(in::read)
          .isInstanceOf(IOException.class).hasMessageStartingWith("the answer broke off before its end ("));
    }
  }

  /** An HTTP server that answers 200 and sends the start of its body, then nothing more until it is closed. */
  private static final class Stalling implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch closed = new CountDownLatch(1);

    Stalling(String start) throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setExecutor(threads);
      server.createContext("/", exchange -> {
        byte[] bytes = start.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length * 2L);
        OutputStream out = exchange.getResponseBody();
        out.write(bytes);
        out.flush();
        try {
          closed.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        exchange.close();
      });
      server.start();
    }

    String hostPort() {
      return "127.0.0.1:" + server.getAddress().getPort();
    }

    String url() {
      return "http://" + hostPort() + "/Patient.ndjson";
    }

    @Override
    public void close() {
      closed.countDown();
      server.stop(0);
      threads.shutdownNow();
    }
  }
}
