package io.brazier.proxy;

import io.brazier.client.FhirReply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;

/**
 * A processor of another jar, as a user would write one, found through this test's
 * {@code META-INF/services/io.brazier.proxy.ProcessorProvider}: {@code stamp} answers {@code Patient?family=stop}
 * itself, answers {@code Patient?family=relay} with what the server says to {@code Patient?family=stop}, and
 * stamps every answer with the header {@code X-Stamp} of its option {@code stamp.value}, and the Bundle answering
 * {@code Patient?family=tagged} with a tag of that value.
 */
public final class StampProvider implements ProcessorProvider {
  public static final String ANSWERED = "stamped";
  public static final String TAG_SYSTEM = "urn:brazier:test:stamp";

  @Override
  public String name() {
    return "stamp";
  }

  @Override
  public Set<Stage> stages() {
    return Set.of(Stage.PRE, Stage.POST);
  }

  @Override
  public Processor create(ProcessorSettings settings) {
    String value = settings.option(name(), "value").orElseThrow(() -> new IllegalArgumentException(
        "--processor-option stamp.value=... is missing"));
    return new Processor() {
      @Override
      public Step before(ProxyRequest request) {
        String family = request.path().equals("Patient") ? request.param("family") : null;
        if ("stop".equals(family)) {
          Bundle answer = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(0);
          answer.setId(ANSWERED);
          return Step.answer(ProxyResponse.of(200, answer));
        }
        if ("relay".equals(family)) {
          Bundle relayed = (Bundle) settings.fhir().jsonParser().parseResource(upstream(request).text());
          return Step.answer(ProxyResponse.of(200, relayed));
        }
        return Step.proceed(request);
      }

      @Override
      public ProxyResponse after(ProxyRequest request, ProxyResponse response) {
        response.headers().put("X-Stamp", value);
        if ("tagged".equals(request.param("family")) && response.resource() instanceof Bundle bundle) {
          bundle.getMeta().addTag(TAG_SYSTEM, value, null);
        }
        return response;
      }
    };
  }

  private static FhirReply upstream(ProxyRequest request) {
    try {
      return request.upstream().get("Patient?family=stop");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
