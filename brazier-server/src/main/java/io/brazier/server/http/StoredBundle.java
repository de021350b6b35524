package io.brazier.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.server.export.Elements;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * A Bundle whose entries' resources are stored JSON: {@code resources.get(i)} is the resource of entry i, or null
 * when that entry has none (a deletion). As plain JSON the stored bytes are spliced into the encoded bundle without
 * being parsed, which keeps a page of a thousand versions cheap; any other rendering parses them.
 */
public record StoredBundle(Bundle bundle, List<byte[]> resources) {
  private static final JsonFactory JSON = Jackson.factory();

  public StoredBundle {
    if (bundle.getEntry().size() != resources.size()) {
      throw new IllegalArgumentException("a bundle of " + bundle.getEntry().size() + " entries with "
          + resources.size() + " resources");
    }
  }

  /**
   * The bundle as JSON, each stored resource spliced in right after its entry's fullUrl, as FHIR orders them: whole,
   * or cut to {@code elements} (null: whole). HAPI's encoding of the bundle is copied token by token, never built
   * into a tree: a page of a thousand entries is the change feed's every read.
   */
  byte[] json(Fhir fhir, Elements elements) {
    String encoded = fhir.jsonParser().encodeResourceToString(bundle);
    ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length() * 2);
    try (JsonParser parser = JSON.createParser(encoded); JsonGenerator generator = JSON.createGenerator(out)) {
      parser.nextToken();
      generator.writeStartObject();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        generator.writeFieldName(name);
        if (name.equals("entry")) {
          entries(parser, generator, elements);
        } else {
          Elements.copy(parser, generator);
        }
      }
      generator.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("HAPI encoded a bundle that is not JSON", e);
    }
    return out.toByteArray();
  }

  private void entries(JsonParser parser, JsonGenerator generator, Elements elements) throws IOException {
    generator.writeStartArray();
    for (int i = 0; parser.nextToken() == JsonToken.START_OBJECT; i++) {
      byte[] resource = resources.get(i);
      entry(parser, generator, resource == null || elements == null ? resource : elements.apply(resource));
    }
    generator.writeEndArray();
  }

  /** An entry as HAPI encoded it, with {@code resource} (null: none) after its fullUrl, or last if it has none. */
  private static void entry(JsonParser parser, JsonGenerator generator, byte[] resource) throws IOException {
    generator.writeStartObject();
    boolean spliced = resource == null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      generator.writeFieldName(name);
      Elements.copy(parser, generator);
      if (!spliced && name.equals("fullUrl")) {
        spliced = resource(generator, resource);
      }
    }
    if (!spliced) {
      resource(generator, resource);
    }
    generator.writeEndObject();
  }

  private static boolean resource(JsonGenerator generator, byte[] resource) throws IOException {
    generator.writeFieldName("resource");
    generator.writeRawValue(new String(resource, StandardCharsets.UTF_8));
    return true;
  }

  /** The bundle with every stored resource parsed into its entry, for the renderings that need the model. */
  public Bundle parsed(Fhir fhir) {
    Bundle copy = bundle.copy();
    for (int i = 0; i < resources.size(); i++) {
      if (resources.get(i) != null) {
        copy.getEntry().get(i).setResource((Resource) fhir.jsonParser()
            .parseResource(new String(resources.get(i), StandardCharsets.UTF_8)));
      }
    }
    return copy;
  }
}
