package io.brazier.proxy.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.nimbusds.jwt.JWTClaimsSet;
import io.brazier.proxy.SecuredServer;
import io.brazier.server.Http;
import io.brazier.server.SyntheaSample;
import io.brazier.server.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Resource;

/**
 * The repository's Synthea sample on the secured server, and what isolation tests ask of it: the patients, what
 * lies in their compartments as an Administrator sees it, tokens, and whether an answer holds the second patient's
 * data.
 */
final class TwoPatients {
  /** The first patient of the sample, whose tokens try to reach the second's data. */
  static final String FIRST = "aca6f94f-a0ce-f8cb-02c2-5323708e8ab5";
  static final String SECOND = "ae39fda0-2fe9-8c70-7776-7bee82076723";
  static final SecuredServer SECURED = SecuredServer.shared();
  static final Http HTTP = SECURED.http();
  /**
   * An Administrator's token, shared by every isolation test of the JVM, so it lasts a day: a token of the usual five
   * minutes, made as the first of them starts, would expire under the later ones on a slow machine.
   */
  static final String ADMINISTRATOR = "Bearer " + SECURED.sign(SECURED.issuer().claims(SECURED.baseUrl())
      .claim("roles", List.of("Administrator")).expirationTime(Date.from(Instant.now().plus(Duration.ofDays(1))))
      .build());

  private TwoPatients() {}

  /** Loads the sample (once per test JVM). */
  static void load() {
    SyntheaSample.resources();
  }

  /** A SMART token in the context of {@code patient}, with these scopes. */
  static String patientToken(String patient, String... scopes) {
    JWTClaimsSet.Builder claims = SECURED.issuer().claims(SECURED.baseUrl()).claim("patient", patient)
        .claim("scope", String.join(" ", scopes));
    return "Bearer " + SECURED.sign(claims.build());
  }

  /** A token of the trusted issuer for {@code subject}, with these roles. */
  static String token(String subject, List<String> roles) {
    JWTClaimsSet.Builder claims = SECURED.issuer().claims(SECURED.baseUrl()).subject(subject).claim("roles", roles);
    return "Bearer " + SECURED.sign(claims.build());
  }

  /** The HAPI client of the secured server, sending {@code authorization} ({@code Bearer ...}) every time. */
  static IGenericClient client(String authorization) {
    return client(SECURED.server(), authorization);
  }

  /** The HAPI client of {@code node}, sending {@code authorization} every time. */
  static IGenericClient client(TestServer node, String authorization) {
    IGenericClient client = node.client();
    AdditionalRequestHeadersInterceptor header = new AdditionalRequestHeadersInterceptor();
    header.addHeaderValue("Authorization", authorization);
    client.registerInterceptor(header);
    return client;
  }

  /**
   * Links a subject of the trusted issuer to {@code resource} ({@code Practitioner/12}) through the identity links
   * API, as an Administrator, until {@code expires} (null: never).
   */
  static void link(String subject, String resource, String expires) {
    String body = "{\"issuer\":\"" + SECURED.issuer().issuer() + "\",\"subject\":\"" + subject + "\",\"resource\":\""
        + resource + "\"" + (expires == null ? "" : ",\"expires\":\"" + expires + "\"") + "}";
    Http.Response response = HTTP.send("POST", "/manage/link", body.getBytes(StandardCharsets.UTF_8),
        "Authorization", ADMINISTRATOR, "Content-Type", "application/json");
    assertThat(response.status()).as(response.body()).isIn(200, 201);
  }

  /** {@code Type/id} of everything in the compartment of {@code patient}, the patient included, as now stored. */
  static Set<String> compartment(String patient) {
    return keys(get("/fhir/Patient/" + patient + "/*?_count=1000", ADMINISTRATOR));
  }

  /** What lies in the second patient's compartment and not in the first's: what the first must never see. */
  static Set<String> secondsOnly() {
    Set<String> only = new HashSet<>(compartment(SECOND));
    only.removeAll(compartment(FIRST));
    return only;
  }

  /** A bundle as answered (200), every page of it followed with the same token. */
  static Bundle get(String path, String authorization) {
    Http.Response response = HTTP.get(path, "Authorization", authorization);
    assertThat(response.status()).as(path + ": " + response.body()).isEqualTo(200);
    Bundle bundle = response.resource(Bundle.class);
    Bundle.BundleLinkComponent next = bundle.getLink("next");
    if (next != null) {
      bundle.getEntry().addAll(get(next.getUrl().substring(SECURED.server().rootUrl().length()), authorization)
          .getEntry());
    }
    return bundle;
  }

  /** {@code Type/id} of the resources of a bundle's entries (an OperationOutcome's left out). */
  static Set<String> keys(Bundle bundle) {
    Set<String> keys = new LinkedHashSet<>();
    for (BundleEntryComponent entry : bundle.getEntry()) {
      Resource resource = entry.getResource();
      if (resource != null && !resource.fhirType().equals("OperationOutcome")) {
        keys.add(resource.fhirType() + "/" + resource.getIdPart());
      }
    }
    return keys;
  }

  /** The id of the first match of a search, as an Administrator sees it. */
  static String first(String search) {
    Bundle bundle = get("/fhir/" + search + (search.contains("?") ? "&" : "?") + "_count=1", ADMINISTRATOR);
    assertThat(bundle.getEntry()).as(search).isNotEmpty();
    return bundle.getEntryFirstRep().getResource().getIdPart();
  }

  /** Creates a resource as an Administrator; its id. */
  static String created(String type, String json) {
    Http.Response response = HTTP.post("/fhir/" + type, json, "Authorization", ADMINISTRATOR);
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    String[] location = response.header("Location").orElseThrow().split("/");
    return location[location.length - 3];
  }

  /** An Observation of {@code subject}, performed by {@code performer} (a reference, or null). */
  static String observation(String subject, String performer, String code) {
    return "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":"
        + "\"http://loinc.org\",\"code\":\"" + code + "\"}]},\"subject\":{\"reference\":\"Patient/" + subject + "\"}"
        + (performer == null ? "" : ",\"performer\":[{\"reference\":\"" + performer + "\"}]") + "}";
  }

  /**
   * Runs {@code check} until it passes (a failed assertion, or a 404 from the HAPI client, is tried again), for 30 s
   * at most (a change notice takes well under a second, but the machine may be very busy): far less than the 5
   * minutes a node may keep what isolation reads, so only a notice (or a link's expiry) can make it pass.
   */
  static void eventually(Runnable check) {
    Instant deadline = Instant.now().plusSeconds(30);
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError | ResourceNotFoundException e) {
        if (Instant.now().isAfter(deadline)) {
          throw e;
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
