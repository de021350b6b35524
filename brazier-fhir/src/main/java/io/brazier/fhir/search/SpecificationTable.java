package io.brazier.fhir.search;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.client.Jackson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A table taken from the R4 specification at build time and checked in beside the classes (its test makes it again
 * from HAPI's copy of the specification and fails, saying how to regenerate it, when the two differ): reading a few
 * hundred kilobytes of plain JSON at start costs a fraction of what HAPI's parser and model take to give the same.
 */
final class SpecificationTable {
  private SpecificationTable() {}

  /** The JSON of the table {@code name}, a resource of this package. */
  static JsonNode read(String name) {
    try (InputStream in = SpecificationTable.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("The table " + name + " is missing from brazier-fhir's resources");
      }
      return Jackson.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
