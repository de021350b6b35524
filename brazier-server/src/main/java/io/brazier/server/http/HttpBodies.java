package io.brazier.server.http;

import io.brazier.fhir.FhirException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** Reads a request body, inflating {@code Content-Encoding: gzip} or {@code deflate}, up to a size limit. */
public final class HttpBodies {
  private HttpBodies() {}

  /** {@code expectedLength}: the Content-Length, or -1; it sizes the buffers, the limit still holds whatever it says. */
  public static byte[] read(InputStream raw, String contentEncoding, long expectedLength, long limit) {
    try (InputStream in = decoded(raw, contentEncoding)) {
      int expected = (int) Math.min(Math.max(expectedLength, 1024), 64 * 1024);
      ByteArrayOutputStream out = new ByteArrayOutputStream(expected);
      byte[] buffer = new byte[expected];
      long total = 0;
      for (int n; (n = in.read(buffer)) > 0; ) {
        total += n;
        if (total > limit) {
          throw FhirException.tooLarge("The body is larger than " + limit + " bytes, the most this server accepts"
              + " (--max-body-bytes).");
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw FhirException.badRequest("The body could not be read: " + e.getMessage());
    }
  }

  private static InputStream decoded(InputStream raw, String encoding) throws IOException {
    if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
      return raw;
    }
    return switch (encoding.trim().toLowerCase(Locale.ROOT)) {
      case "gzip", "x-gzip" -> new GZIPInputStream(raw);
      case "deflate" -> new InflaterInputStream(raw);
      default -> throw new FhirException(415, IssueType.NOTSUPPORTED, "Content-Encoding '" + encoding
          + "' is not supported: send the body as it is, or with gzip or deflate.");
    };
  }
}
