package io.brazier.server.http;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.Outcomes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Jetty's own error answers, for requests it refuses before any route sees them (a malformed URI, a control
 * character in a header), as OperationOutcomes in JSON like every other error, instead of Jetty's HTML page.
 */
public final class ProtocolErrors extends ErrorHandler {
  private final Fhir fhir;

  public ProtocolErrors(Fhir fhir) {
    this.fhir = fhir;
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) {
    String diagnostics = "The HTTP request was refused: " + (message == null ? "status " + code : message) + ".";
    byte[] body = fhir.jsonParser()
        .encodeResourceToString(Outcomes.error(code >= 500 ? IssueType.EXCEPTION : IssueType.INVALID, diagnostics))
        .getBytes(StandardCharsets.UTF_8);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/fhir+json;charset=utf-8");
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
