package io.brazier.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.RSAKey;
import io.brazier.fhir.FhirException;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import io.brazier.server.Interceptor;
import io.brazier.server.Restriction;
import io.brazier.server.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security as {@code serve --auth} wires it, with real tokens of a real issuer over HTTP: every request is
 * authenticated, then authorized, then kept to its caller's reach, and only then seen by the processors; a global
 * role of the configuration reaches everything.
 */
class SecurityTest {
  private static final String BASE = "https://fhir.example/fhir";
  private final IdentityProvider issuer = new IdentityProvider();
  private final RSAKey key = IdentityProvider.rsaKey();
  private final List<String> processed = new ArrayList<>();
  private Security security;

  @TempDir
  Path folder;

  @BeforeEach
  void start() {
    issuer.publish(key);
    SecurityConfig config = new SecurityConfig(List.of(issuer.issuer()), List.of(), folder.resolve("clients.json"),
        SecurityConfig.DEFAULT_TOKEN_LIFETIME, SecurityConfig.DEFAULT_KEY_ROTATION, Map.of(),
        new IsolationConfig(List.of("Auditor"), IsolationConfig.DEFAULT_CONSENT_CATEGORY,
            IsolationConfig.DEFAULT_CONSENT_CACHE));
    security = Security.start(config, ProxyDatabase.migrated());
  }

  @AfterEach
  void stop() {
    security.close();
    issuer.close();
  }

  @Test
  void aRequestIsAuthenticatedBeforeItIsAuthorizedAndAuthorizedBeforeAnyProcessorSeesIt() {
    List<Interceptor> chain = chain();

    assertRefused(chain, read(null), 401);
    assertRefused(chain, read(token(List.of(), null, null)), 403);
    assertThat(processed).isEmpty();

    before(chain, read(token(List.of("Reader"), null, null)));

    assertThat(processed).containsExactly("Patient/1");
  }

  @Test
  void aCallerInAPatientContextReachesThatPatientOnlyAndAGlobalRoleEverything() {
    List<Interceptor> chain = chain();
    String patient = "p-" + UUID.randomUUID();

    FhirRequest confined = before(chain, read(token(List.of(), "patient/*.rs", patient)));
    FhirRequest global = before(chain, read(token(List.of("Reader", "Auditor"), null, null)));

    assertThat(confined.restriction()).isEqualTo(Restriction.within("Patient", Set.of(patient)));
    assertThat(global.restriction()).isNull();
  }

  @Test
  void withoutProcessorsTheChainHasNoProcessorStep() {
    List<Interceptor> plain = security.interceptors().apply(TestServer.shared().api());
    List<Interceptor> processing = chain();

    assertThat(processing).hasSize(plain.size() + 1);
    assertThat(processing.get(processing.size() - 1)).isInstanceOf(ProcessorInterceptor.class);
    assertThat(plain).noneMatch(step -> step instanceof ProcessorInterceptor);
  }

  private List<Interceptor> chain() {
    Processors recording = Processors.load(ProcessorConfig.NONE, TestServer.shared().fhir())
        .followedBy(new Processor() {
          @Override
          public Step before(ProxyRequest request) {
            processed.add(request.path());
            return Step.proceed(request);
          }
        });
    return security.interceptors(recording).apply(TestServer.shared().api());
  }

  private static FhirRequest before(List<Interceptor> chain, FhirRequest request) {
    FhirRequest current = request;
    for (Interceptor step : chain) {
      current = step.before(current);
    }
    return current;
  }

  private static void assertRefused(List<Interceptor> chain, FhirRequest request, int status) {
    assertThatThrownBy(() -> before(chain, request)).isInstanceOfSatisfying(FhirException.class,
        e -> assertThat(e.status()).isEqualTo(status));
  }

  private static FhirRequest read(String token) {
    FhirRequest.Builder request = FhirRequest.builder("GET", "Patient/1").baseUrl(BASE);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request.build().routed(FhirInteraction.READ, null);
  }

  private String token(List<String> roles, String scope, String patient) {
    var claims = issuer.claims(BASE).claim("roles", roles);
    if (scope != null) {
      claims.claim("scope", scope);
    }
    if (patient != null) {
      claims.claim("patient", patient);
    }
    return IdentityProvider.sign(key, claims.build());
  }
}
