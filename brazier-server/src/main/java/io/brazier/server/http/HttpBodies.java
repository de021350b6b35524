package io.brazier.server.http;

import io.brazier.fhir.FhirException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/** Reads a request body, inflating {@code Content-Encoding: gzip} or {@code deflate}, up to a size limit. */
public final class HttpBodies {
  private HttpBodies() {}

  public static byte[] read(InputStream raw, String contentEncoding, long limit) {
    try (InputStream in = decoded(raw, contentEncoding)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[64 * 1024];
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
      default -> throw FhirException.unsupportedMediaType("Content-Encoding " + encoding);
    };
  }
}
