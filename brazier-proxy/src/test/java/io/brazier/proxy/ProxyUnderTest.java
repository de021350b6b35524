package io.brazier.proxy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import io.brazier.client.ClientCredentials;
import io.brazier.fhir.Fhir;
import io.brazier.proxy.upstream.Upstream.RetryPolicy;
import io.brazier.server.TestServer;
import io.brazier.testkit.TempFolders;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * A standalone proxy ({@code brazier proxy}) started by a test in front of an upstream, on the shared test database:
 * callers' tokens come from an identity provider of its own (the proxy's trusted issuer, for the proxy's base URL),
 * and it reaches the upstream with the identity the test gives it. Close it when done.
 */
public final class ProxyUnderTest implements AutoCloseable {
  /** Quick retries, so that tests of them wait milliseconds. */
  public static final RetryPolicy RETRIES = new RetryPolicy(3, Duration.ofMillis(20), Duration.ofSeconds(2));

  private final StandaloneProxy proxy;
  private final Security security;
  private final IdentityProvider issuer;
  private final RSAKey issuerKey;

  private ProxyUnderTest(StandaloneProxy proxy, Security security, IdentityProvider issuer, RSAKey issuerKey) {
    this.proxy = proxy;
    this.security = security;
    this.issuer = issuer;
    this.issuerKey = issuerKey;
  }

  /** A proxy in front of {@code upstream}, anonymous towards it. */
  public static ProxyUnderTest start(String upstream) {
    return start(upstream, Optional.empty(), List.of(), RETRIES, Duration.ofSeconds(30));
  }

  /** A proxy in front of {@code upstream}, anonymous towards it, running the processor chain {@code processors}. */
  public static ProxyUnderTest start(String upstream, ProcessorConfig processors) {
    return start(upstream, Optional.empty(), List.of(), RETRIES, Duration.ofSeconds(30), processors);
  }

  /** A proxy in front of {@code upstream}, anonymous towards it, running {@code chain}. */
  public static ProxyUnderTest start(String upstream, Processors chain) {
    return start(upstream, Optional.empty(), List.of(), RETRIES, Duration.ofSeconds(30), chain);
  }

  public static ProxyUnderTest start(String upstream, Optional<ClientCredentials.Config> credentials,
      List<String> trustedProxies, RetryPolicy retries, Duration timeout) {
    return start(upstream, credentials, trustedProxies, retries, timeout, ProcessorConfig.NONE);
  }

  private static ProxyUnderTest start(String upstream, Optional<ClientCredentials.Config> credentials,
      List<String> trustedProxies, RetryPolicy retries, Duration timeout, ProcessorConfig processors) {
    return start(upstream, credentials, trustedProxies, retries, timeout,
        Processors.load(processors, TestServer.shared().fhir()));
  }

  private static ProxyUnderTest start(String upstream, Optional<ClientCredentials.Config> credentials,
      List<String> trustedProxies, RetryPolicy retries, Duration timeout, Processors chain) {
    IdentityProvider issuer = new IdentityProvider();
    RSAKey key = IdentityProvider.rsaKey();
    issuer.publish(key);
    SecurityConfig security = new SecurityConfig(List.of(issuer.issuer()), List.of(),
        TempFolders.createUntilExit("brazier-proxy").resolve("clients.json"), SecurityConfig.DEFAULT_TOKEN_LIFETIME,
        SecurityConfig.DEFAULT_KEY_ROTATION, Map.of(), IsolationConfig.DEFAULTS);
    UpstreamConfig config = new UpstreamConfig(URI.create(upstream), "127.0.0.1", 0, null, credentials,
        trustedProxies, retries, timeout, 1 << 20);
    Security started = Security.start(security, TestServer.shared().database().dataSource());
    StandaloneProxy proxy = StandaloneProxy.start(config, TestServer.shared().fhir(), started, chain);
    return new ProxyUnderTest(proxy, started, issuer, key);
  }

  public String baseUrl() {
    return proxy.baseUrl();
  }

  /** The proxy's {@code /healthz}. */
  public URI health() {
    return URI.create("http://127.0.0.1:" + proxy.port() + "/healthz");
  }

  /** Makes {@code /healthz} ask {@code problem} too: see {@link StandaloneProxy#healthCheck}. */
  public ProxyUnderTest healthCheck(String name, Supplier<String> problem) {
    proxy.healthCheck(name, problem);
    return this;
  }

  /** A token of the proxy's trusted issuer for the proxy, with these roles (and scopes, space separated). */
  public String token(String subject, List<String> roles, String scopes) {
    JWTClaimsSet.Builder claims = issuer.claims(baseUrl()).subject(subject).claim("roles", roles);
    if (scopes != null) {
      claims.claim("scp", scopes);
    }
    return IdentityProvider.sign(issuerKey, claims.build());
  }

  /** The token's claims as given, signed by the proxy's trusted issuer. */
  public String sign(JWTClaimsSet.Builder claims) {
    return IdentityProvider.sign(issuerKey, claims.build());
  }

  public JWTClaimsSet.Builder claims() {
    return issuer.claims(baseUrl());
  }

  /** HAPI's generic client at the proxy, sending {@code token}. */
  public IGenericClient client(String token) {
    Fhir fhir = TestServer.shared().fhir();
    fhir.context().getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    // A cold proxy and upstream on a busy machine may take longer than HAPI's 10 s to answer a first request.
    fhir.context().getRestfulClientFactory().setSocketTimeout(60_000);
    IGenericClient client = fhir.context().newRestfulGenericClient(baseUrl());
    client.registerInterceptor(new BearerTokenAuthInterceptor(token));
    return client;
  }

  /**
   * What a page of the proxy's says beyond its matches' ids: each entry's type (and an outcome's diagnostics), its
   * total and its links' relations. Two pages of the same shape tell a caller the same of what it may not see.
   */
  public static List<String> shape(Bundle page) {
    List<String> shape = new ArrayList<>();
    for (Bundle.BundleEntryComponent entry : page.getEntry()) {
      shape.add(entry.getResource().fhirType() + " " + (entry.getResource() instanceof OperationOutcome outcome
          ? outcome.getIssueFirstRep().getDiagnostics() : ""));
    }
    shape.add("total " + (page.hasTotal() ? page.getTotal() : "none"));
    page.getLink().forEach(link -> shape.add("link " + link.getRelation()));
    return shape;
  }

  @Override
  public void close() {
    proxy.close();
    security.close();
    issuer.close();
  }
}
