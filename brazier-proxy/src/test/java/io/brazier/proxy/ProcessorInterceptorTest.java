package io.brazier.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.Caller;
import io.brazier.server.FhirApi;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.InterceptorAnswer;
import io.brazier.server.Restriction;
import io.brazier.server.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The processor chain inside {@code serve --auth}, on the test JVM's server: it sees clients' requests only, its
 * answers become the server's (a Bundle a page, as any search's), an answer no processor read goes as the server
 * made it, and what a processor asks the server itself stays within the restriction of the request it serves.
 */
class ProcessorInterceptorTest {
  private static final FhirApi API = TestServer.shared().api();
  private static final Caller CLIENT = new Caller("https://issuer", "someone", "a-client", Set.of("Reader"),
      Set.of(), null, null, null);
  /** Nobody is confined: the reach processors are given, which these processors do not ask. */
  private static final CallerReach EVERYWHERE = new CallerReach() {
    @Override
    public Restriction confinement(Caller caller) {
      return null;
    }

    @Override
    public Restriction optOuts(Caller caller) {
      return null;
    }
  };
  private static String mine;
  private static String theirs;
  private final List<String> seen = new ArrayList<>();

  @BeforeAll
  static void store() {
    IGenericClient client = TestServer.shared().client();
    mine = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    theirs = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
  }

  private ProcessorInterceptor chain(Processor processor) {
    return new ProcessorInterceptor(API, Processors.load(ProcessorConfig.NONE, TestServer.shared().fhir())
        .followedBy(processor), EVERYWHERE);
  }

  @Test
  void aPreProcessorsAnswerIsTheServersAnswerAndABundleOfItsAPage() {
    ProcessorInterceptor answering = chain(new Processor() {
      @Override
      public Step before(ProxyRequest request) {
        return Step.answer(ProxyResponse.of(200, new Bundle().setType(Bundle.BundleType.SEARCHSET)
            .addEntry(new Bundle.BundleEntryComponent().setFullUrl("Patient/" + mine)
                .setResource(new Patient().setActive(false)))));
      }
    });

    assertThatThrownBy(() -> answering.before(request("Patient?active=true")))
        .isInstanceOfSatisfying(InterceptorAnswer.class, answer -> {
          FhirResponse response = answer.response();
          assertThat(response.status()).isEqualTo(200);
          assertThat(response.bundle()).as("a page of stored resources, as the server's searches are").isNotNull();
          assertThat(response.bundle().parsed(TestServer.shared().fhir()).getEntryFirstRep().getResource())
              .isInstanceOf(Patient.class);
        });
  }

  @Test
  void bundleEntriesAndRequestsOfThisProcessPassTheChainUnseen() {
    ProcessorInterceptor recording = chain(recorder());
    FhirRequest bundle = request("").routed(FhirInteraction.BUNDLE, null);
    FhirRequest entry = request("Patient/" + mine).entryOf(bundle);
    FhirRequest system = FhirRequest.builder("GET", "Patient/" + mine).caller(Caller.system("urn:brazier:loader"))
        .build().routed(FhirInteraction.READ, null);

    assertThat(recording.before(entry)).isSameAs(entry);
    assertThat(recording.before(system)).isSameAs(system);
    FhirResponse answer = API.handle(system);
    assertThat(recording.after(entry, answer)).isSameAs(answer);
    assertThat(seen).isEmpty();
  }

  @Test
  void anAnswerNoProcessorReadGoesAsTheServerMadeItWithTheHeadersAdded() {
    ProcessorInterceptor stamping = chain(new Processor() {
      @Override
      public ProxyResponse after(ProxyRequest request, ProxyResponse response) {
        response.headers().put("X-Stamp", "seen");
        return response;
      }
    });
    FhirRequest read = request("Patient/" + mine);
    FhirResponse answer = API.handle(read);

    FhirResponse sent = stamping.after(read, answer);

    assertThat(sent).isSameAs(answer);
    assertThat(sent.headers()).containsEntry("X-Stamp", "seen");
  }

  @Test
  void aResourceAProcessorChangedInPlaceIsSentChanged() {
    ProcessorInterceptor tagging = chain(new Processor() {
      @Override
      public ProxyResponse after(ProxyRequest request, ProxyResponse response) {
        response.resource().getMeta().addTag("urn:test", "processed", null);
        return response;
      }
    });
    FhirRequest read = request("Patient/" + mine);

    FhirResponse sent = tagging.after(read, API.handle(read));

    assertThat(sent.status()).isEqualTo(200);
    assertThat(sent.resource().getMeta().getTag()).extracting(tag -> tag.getCode()).containsExactly("processed");
  }

  @Test
  void whatAProcessorAsksTheServerStaysWithinTheRestrictionOfTheRequestItServes() {
    List<Integer> statuses = new ArrayList<>();
    ProcessorInterceptor asking = chain(new Processor() {
      @Override
      public Step before(ProxyRequest request) {
        try {
          statuses.add(request.upstream().get("Patient/" + mine).status());
          statuses.add(request.upstream().get("Patient/" + theirs).status());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return Step.answer(ProxyResponse.of(200, new OperationOutcome()));
      }
    });
    FhirRequest restricted = request("Patient/" + mine).withRestriction(Restriction.within("Patient",
        Set.of(mine)));

    assertThatThrownBy(() -> asking.before(restricted)).isInstanceOf(InterceptorAnswer.class);

    assertThat(statuses).containsExactly(200, 404);
  }

  private Processor recorder() {
    return new Processor() {
      @Override
      public Step before(ProxyRequest request) {
        seen.add("before " + request.path());
        return Step.proceed(request);
      }

      @Override
      public ProxyResponse after(ProxyRequest request, ProxyResponse response) {
        seen.add("after " + request.path());
        return response;
      }
    };
  }

  private static FhirRequest request(String url) {
    FhirRequest request = FhirRequest.builder("GET", url).caller(CLIENT).build();
    return url.contains("?") ? request.routed(FhirInteraction.SEARCH_TYPE, null)
        : request.routed(FhirInteraction.READ, null);
  }
}
