package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks a checked-in {@link SpecificationTable} against the same table made again from HAPI's copy of the
 * specification; when they differ, the table just made is left in target/ and the failure says how to take it.
 */
final class SpecificationTables {
  private SpecificationTables() {}

  static void assertCurrent(String name, String made) {
    String checkedIn = checkedIn(name);
    if (!made.equals(checkedIn)) {
      Path fresh = Path.of("target", "specification-tables", name).toAbsolutePath();
      write(fresh, made);
      assertThat(checkedIn).as("The table " + name + " differs from what HAPI's definitions give now. Check the"
          + " difference, then regenerate it: cp " + fresh + " src/main/resources/io/brazier/fhir/search/" + name
          + " (in brazier-fhir)").isEqualTo(made);
    }
  }

  private static String checkedIn(String name) {
    try (InputStream in = SpecificationTable.class.getResourceAsStream(name)) {
      return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
