package io.brazier.server.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The ids of the resources of one type that an export's files refer to ({@code "reference": "Practitioner/12"}, a
 * version suffix dropped), read back from the finished files: at Patient and Group level, the resources outside the
 * compartment that {@code _type} names are exported only when the exported resources refer to them. Read from the
 * files rather than kept while writing them, a run that takes over finds the same ids.
 */
final class ReferencedIds {
  private static final JsonFactory JSON = Jackson.factory();

  private ReferencedIds() {}

  /** The ids, sorted, so that every run looks them up in the same chunks. */
  static List<String> read(ExportStorage storage, ExportFolder folder, List<FileState> files, String type) {
    TreeSet<String> ids = new TreeSet<>();
    String prefix = type + "/";
    for (FileState file : files) {
      try (InputStream in = storage.read(folder, file.name()); JsonParser parser = JSON.createParser(in)) {
        for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
          if (token == JsonToken.FIELD_NAME && parser.currentName().equals("reference")
              && parser.nextToken() == JsonToken.VALUE_STRING && parser.getText().startsWith(prefix)) {
            String id = parser.getText().substring(prefix.length()).split("/", 2)[0];
            if (Fhir.isValidId(id)) {
              ids.add(id);
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Could not read back " + file.name() + " of export " + folder.job(), e);
      }
    }
    return new ArrayList<>(ids);
  }
}
