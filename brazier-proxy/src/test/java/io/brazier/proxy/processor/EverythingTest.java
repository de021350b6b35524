package io.brazier.proxy.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.proxy.ProcessorConfig;
import io.brazier.proxy.SecuredServer;
import io.brazier.server.Http;
import io.brazier.server.SyntheaSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code everything} on a secured server that runs it before its own {@code $everything}: the repository's Synthea
 * sample, paged through with HAPI's client.
 */
class EverythingTest {
  private static final String FIRST = "aca6f94f-a0ce-f8cb-02c2-5323708e8ab5";
  private static final String SECOND = "ae39fda0-2fe9-8c70-7776-7bee82076723";
  private static final SecuredServer SERVER = SecuredServer.start(new ProcessorConfig(List.of("everything"),
      List.of(), null, Map.of()));
  private static final IGenericClient ADMINISTRATOR = SERVER.client("Administrator");

  @BeforeAll
  static void load() {
    SyntheaSample.resources();
  }

  @AfterAll
  static void stop() {
    SERVER.close();
  }

  @Test
  void everyPageIsFollowedToTheWholeCompartmentEachResourceOnce() {
    List<String> compartment = keys(all(ADMINISTRATOR, ADMINISTRATOR.search()
        .byUrl(SERVER.baseUrl() + "/Patient/" + FIRST + "/*?_count=1000").returnBundle(Bundle.class).execute()));

    Bundle first = everything(ADMINISTRATOR, FIRST, new Parameters().addParameter("_count", new IntegerType(25)));
    List<String> everything = keys(all(ADMINISTRATOR, first));

    assertThat(compartment.size()).as("more than one page of 25").isGreaterThan(50);
    assertThat(first.getEntry()).hasSizeLessThanOrEqualTo(26);
    assertThat(first.getEntryFirstRep().getResource().getIdElement().toUnqualifiedVersionless().getValue())
        .isEqualTo("Patient/" + FIRST);
    assertThat(everything).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(compartment);
  }

  @Test
  void typesArePagedThroughOneAfterTheOther() {
    List<String> expected = new ArrayList<>();
    for (String type : List.of("Observation", "Condition")) {
      expected.addAll(keys(all(ADMINISTRATOR, ADMINISTRATOR.search()
          .byUrl(SERVER.baseUrl() + "/Patient/" + FIRST + "/" + type + "?_count=1000").returnBundle(Bundle.class)
          .execute())));
    }

    List<String> everything = keys(all(ADMINISTRATOR, everything(ADMINISTRATOR, FIRST, new Parameters()
        .addParameter("_type", new StringType("Observation,Condition")).addParameter("_count", new IntegerType(7)))));

    assertThat(expected).anyMatch(key -> key.startsWith("Condition/")).hasSizeGreaterThan(14);
    assertThat(everything).containsExactlyElementsOf(expected);
  }

  @Test
  void sinceIsPassedOnAsLastUpdated() {
    Bundle future = everything(ADMINISTRATOR, FIRST, new Parameters()
        .addParameter("_since", new StringType("2999-01-01T00:00:00Z")));

    assertThat(keys(future)).isEmpty();
  }

  @Test
  void aPatientInContextGetsItsOwnEverythingAndNotAnothers() {
    IGenericClient patient = client("Bearer " + SERVER.sign(SERVER.issuer().claims(SERVER.baseUrl())
        .claim("patient", FIRST).claim("scope", "patient/*.rs").build()));

    Bundle own = everything(patient, FIRST, new Parameters());

    assertThat(own.getEntry()).isNotEmpty();
    assertThatThrownBy(() -> everything(patient, SECOND, new Parameters()))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void aNextLinkIsSealedToItsCaller() {
    Bundle first = everything(ADMINISTRATOR, FIRST, new Parameters().addParameter("_count", new IntegerType(5)));
    String next = first.getLink(Bundle.LINK_NEXT).getUrl();

    Http.Response followed = SERVER.http().get(next.substring(SERVER.server().rootUrl().length()),
        "Authorization", "Bearer " + SERVER.sign(SERVER.issuer().claims(SERVER.baseUrl()).subject("someone-else")
            .claim("roles", List.of("Administrator")).build()));

    assertThat(followed.status()).isEqualTo(403);
  }

  @Test
  void startAndEndAreRefusedRatherThanIgnored() {
    assertThatThrownBy(() -> everything(ADMINISTRATOR, FIRST, new Parameters()
        .addParameter("start", new StringType("2020-01-01"))))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.getMessage()).contains("start"));
  }

  @Test
  void aSinceThatIsNoInstantIsA400NotA500() {
    for (String since : List.of("yesterday")) {
      assertThatThrownBy(() -> everything(ADMINISTRATOR, FIRST, new Parameters()
          .addParameter("_since", new StringType(since)))).as(since)
          .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.getMessage()).contains("_since"));
    }
  }

  @Test
  void typesListedWithSpacesAreTheSameTypesThePatientIncluded() {
    Bundle spaced = everything(ADMINISTRATOR, FIRST, new Parameters()
        .addParameter("_type", new StringType("Condition, Patient")).addParameter("_count", new IntegerType(1000)));

    assertThat(keys(spaced)).contains("Patient/" + FIRST).anyMatch(key -> key.startsWith("Condition/"))
        .allMatch(key -> key.startsWith("Condition/") || key.equals("Patient/" + FIRST));
  }

  private static Bundle everything(IGenericClient client, String patient, Parameters parameters) {
    return client.operation().onInstance(new IdType("Patient", patient)).named("$everything")
        .withParameters(parameters).useHttpGet().returnResourceType(Bundle.class).execute();
  }

  private static Bundle all(IGenericClient client, Bundle first) {
    Bundle all = first.copy();
    for (Bundle page = first; page.getLink(Bundle.LINK_NEXT) != null; ) {
      page = client.loadPage().next(page).execute();
      all.getEntry().addAll(page.getEntry());
    }
    return all;
  }

  private static List<String> keys(Bundle bundle) {
    List<String> keys = new ArrayList<>();
    for (BundleEntryComponent entry : bundle.getEntry()) {
      if (entry.hasResource() && !entry.getResource().fhirType().equals("OperationOutcome")) {
        keys.add(entry.getResource().getIdElement().toUnqualifiedVersionless().getValue());
      }
    }
    return keys;
  }

  private static IGenericClient client(String authorization) {
    IGenericClient client = SERVER.server().client();
    AdditionalRequestHeadersInterceptor header = new AdditionalRequestHeadersInterceptor();
    header.addHeaderValue("Authorization", authorization);
    client.registerInterceptor(header);
    return client;
  }
}
