package io.brazier.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import io.brazier.client.Jackson;
import io.brazier.server.Http;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.testkit.TempFolders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A FHIR server with {@code --auth} on the shared test database, once per test JVM: a clients file of its own, and
 * a real identity provider over HTTP as a trusted issuer (role names {@code FHIRProxyReader} mapped to Reader;
 * {@link #GLOBAL_ROLE} a global role of isolation).
 */
public final class SecuredServer implements AutoCloseable {
  public static final String GLOBAL_ROLE = "DataScientist";
  private static SecuredServer shared;
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = Jackson.MAPPER;

  private final TestServer server;
  private final IdentityProvider issuer;
  private final RSAKey issuerKey;
  private final ClientsFile clients;
  private final SecurityConfig config;
  private final Security security;

  private SecuredServer(TestServer server, IdentityProvider issuer, RSAKey issuerKey, ClientsFile clients,
      SecurityConfig config, Security security) {
    this.server = server;
    this.security = security;
    this.issuer = issuer;
    this.issuerKey = issuerKey;
    this.clients = clients;
    this.config = config;
  }

  public static synchronized SecuredServer shared() {
    if (shared == null) {
      shared = start(SecurityConfig.DEFAULT_TOKEN_LIFETIME);
    }
    return shared;
  }

  /** A server of its own (another token lifetime, say), on the shared database; close it when done. */
  public static SecuredServer start(java.time.Duration tokenLifetime) {
    return start(tokenLifetime, ProcessorConfig.NONE);
  }

  /** A server of its own running the processor chain {@code processors}; close it when done. */
  public static SecuredServer start(ProcessorConfig processors) {
    return start(SecurityConfig.DEFAULT_TOKEN_LIFETIME, processors);
  }

  /**
   * A server of its own that trusts {@code others} after its own issuer, in that order ({@code --auth-issuer} given
   * several times); close it when done (the others stay the caller's).
   */
  public static SecuredServer start(IdentityProvider... others) {
    return start(SecurityConfig.DEFAULT_TOKEN_LIFETIME, ProcessorConfig.NONE, others);
  }

  private static SecuredServer start(java.time.Duration tokenLifetime, ProcessorConfig processors,
      IdentityProvider... others) {
    IdentityProvider issuer = new IdentityProvider();
    RSAKey key = IdentityProvider.rsaKey();
    issuer.publish(key);
    Path clientsFile = TempFolders.createUntilExit("brazier-clients").resolve("clients.json");
    List<String> issuers = new java.util.ArrayList<>(List.of(issuer.issuer()));
    for (IdentityProvider other : others) {
      issuers.add(other.issuer());
    }
    SecurityConfig config = new SecurityConfig(issuers, List.of(), clientsFile, tokenLifetime,
        SecurityConfig.DEFAULT_KEY_ROTATION, Map.of("FHIRProxyReader", "Reader"), new IsolationConfig(
            List.of(GLOBAL_ROLE), IsolationConfig.DEFAULT_CONSENT_CATEGORY, IsolationConfig.DEFAULT_CONSENT_CACHE));
    Security security = Security.start(config, TestServer.shared().database().dataSource());
    Processors chain = Processors.load(processors, TestServer.shared().fhir());
    TestServer server = TestServer.onSharedStore(ServerConfig.defaults(), security.interceptors(chain),
        security.http());
    return new SecuredServer(server, issuer, key, new ClientsFile(clientsFile), config, security);
  }

  /**
   * Another node secured as this one (the same issuer, clients and isolation), with caches, a store, a connection
   * pool and change notices of its own over the same database; close it when done.
   */
  public TestServer secondNode() {
    return secondNode(Clock.systemUTC());
  }

  /** Such a node whose tokens, keys and identity links expire by {@code clock}. */
  public TestServer secondNode(Clock clock) {
    Security security = Security.start(config, TestServer.shared().database().dataSource(), clock);
    return TestServer.shared().secondNode(security.interceptors(), security.http()).alsoClosing(security);
  }

  public TestServer server() {
    return server;
  }

  public Http http() {
    return server.http();
  }

  public String baseUrl() {
    return server.baseUrl();
  }

  public IdentityProvider issuer() {
    return issuer;
  }

  public ClientsFile clients() {
    return clients;
  }

  /** A token of the trusted issuer for this server, with these roles and scopes. */
  public String issuerToken(List<String> roles, List<String> scopes) {
    JWTClaimsSet.Builder claims = issuer.claims(baseUrl());
    if (!roles.isEmpty()) {
      claims.claim("roles", roles);
    }
    if (!scopes.isEmpty()) {
      claims.claim("scp", String.join(" ", scopes));
    }
    return sign(claims.build());
  }

  /** Claims signed with the trusted issuer's published key. */
  public String sign(JWTClaimsSet claims) {
    return IdentityProvider.sign(issuerKey, claims);
  }

  /** The key the trusted issuer publishes (private half included, to sign with). */
  public RSAKey issuerKey() {
    return issuerKey;
  }

  /** The Authorization header of such a token. */
  public String bearer(List<String> roles, List<String> scopes) {
    return "Bearer " + issuerToken(roles, scopes);
  }

  /** The HAPI generic client of this server, sending a token with {@code roles} every time. */
  public IGenericClient client(String... roles) {
    IGenericClient client = server.client();
    AdditionalRequestHeadersInterceptor header = new AdditionalRequestHeadersInterceptor();
    header.addHeaderValue("Authorization", bearer(List.of(roles), List.of()));
    client.registerInterceptor(header);
    return client;
  }

  /** Posts a form to a path below the root ({@code /oauth2/token}); the answer's status and JSON. */
  public Answer postForm(String path, String form, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.rootUrl() + path))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
    for (int i = 0; i < headers.length; i += 2) {
      request.setHeader(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), JSON.readTree(response.body()), response.headers().map());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A token from the built-in token server for a client registered with a secret. */
  public String token(String clientId, String secret) {
    Answer answer = tokenAnswer(clientId, secret);
    assertThat(answer.status()).as(answer.json().toString()).isEqualTo(200);
    return answer.json().get("access_token").asText();
  }

  /**
   * A token for a client just added to the clients file, which the server looks at every half second: asked until
   * it comes, for a minute at most (a busy machine's requests are slow).
   */
  public String tokenOfNewClient(String clientId, String secret) {
    Instant deadline = Instant.now().plusSeconds(60);
    Answer answer = tokenAnswer(clientId, secret);
    while (answer.status() != 200 && Instant.now().isBefore(deadline)) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      answer = tokenAnswer(clientId, secret);
    }
    assertThat(answer.status()).as(answer.json().toString()).isEqualTo(200);
    return answer.json().get("access_token").asText();
  }

  private Answer tokenAnswer(String clientId, String secret) {
    return postForm("/oauth2/token", "grant_type=client_credentials&client_id=" + clientId + "&client_secret="
        + secret);
  }

  /** Stops a server of its own (never the shared one) and its issuer. */
  @Override
  public void close() {
    server.close();
    security.close();
    issuer.close();
  }

  /** An answer of the token server. */
  public record Answer(int status, JsonNode json, Map<String, List<String>> headers) {}
}
