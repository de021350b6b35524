package io.brazier.proxy.upstream;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import io.brazier.fhir.BaseUrl;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.server.FhirRequest;
import io.brazier.server.http.Formats;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryRequestComponent;

/**
 * The entries of a batch or transaction, each passed through the security checks as a request of its own. In
 * {@code serve --auth} every entry passes the interceptors; an upstream runs the entries with the proxy's identity,
 * so the proxy checks each one before it forwards the bundle (by its method and URL: the rights a caller holds are
 * by type and interaction). One entry refused refuses the bundle, naming the entry: nothing of it is forwarded.
 */
final class BundleEntryChecks {
  private final Fhir fhir;

  BundleEntryChecks(Fhir fhir) {
    this.fhir = fhir;
  }

  /** Passes every entry of {@code bundle} (a checked {@code POST [base]}, its body read) through {@code checks}. */
  void check(FhirRequest bundle, UnaryOperator<FhirRequest> checks) {
    List<Bundle.BundleEntryComponent> entries = entries(bundle);
    for (int i = 0; i < entries.size(); i++) {
      String at = "Bundle.entry[" + i + "]";
      BundleEntryRequestComponent request = entries.get(i).getRequest();
      if (request.getMethod() == null || !request.hasUrl()) {
        throw FhirException.badRequest("Its request needs a method and a url.").at(at);
      }
      try {
        // as written, or with the proxy's own base cut off when it is absolute
        String url = BaseUrl.relative(request.getUrl(), bundle.baseUrl()).orElse(request.getUrl());
        FhirRequest entry = FhirRequest.builder(request.getMethod().toCode(), url).baseUrl(bundle.baseUrl()).build();
        checks.apply(PathShape.classify(entry).entryOf(bundle));
      } catch (FhirException e) {
        throw e.at(at);
      }
    }
  }

  private List<Bundle.BundleEntryComponent> entries(FhirRequest bundle) {
    if (!bundle.hasBody()) {
      throw FhirException.badRequest("POST to the base takes a Bundle of type batch or transaction; the body is empty.");
    }
    Format format = Formats.body(bundle.header("Content-Type"));
    IParser parser = format == Format.XML ? fhir.xmlParser() : fhir.jsonParser();
    IBaseResource parsed;
    try {
      parsed = parser.parseResource(new String(bundle.body(), StandardCharsets.UTF_8));
    } catch (DataFormatException e) {
      throw FhirException.badRequest("The body is not a FHIR resource: " + e.getMessage());
    }
    if (!(parsed instanceof Bundle read)) {
      throw FhirException.badRequest("POST to the base takes a Bundle of type batch or transaction, not a "
          + parsed.fhirType() + ".");
    }
    return read.getEntry();
  }
}
