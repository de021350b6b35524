package io.brazier.proxy.processor;

import ca.uhn.fhir.parser.DataFormatException;
import io.brazier.fhir.Fhir;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.utilities.npm.NpmPackage;

/**
 * The definitions of a profiles directory ({@code --profiles}): every StructureDefinition, ValueSet and CodeSystem
 * of its {@code .json} files and of the FHIR packages ({@code .tgz}, as the FHIR package registry serves them) in
 * it, read once at start. A file that is no FHIR resource stops the start with a sentence naming it.
 */
final class ProfileDefinitions {
  private static final String[] TYPES = {"StructureDefinition", "ValueSet", "CodeSystem"};

  private ProfileDefinitions() {}

  static PrePopulatedValidationSupport read(Fhir fhir, Path directory) {
    PrePopulatedValidationSupport definitions = new PrePopulatedValidationSupport(fhir.context());
    for (Path file : files(directory)) {
      String name = file.getFileName().toString();
      try {
        if (name.endsWith(".tgz")) {
          readPackage(fhir, file, definitions);
        } else if (name.endsWith(".json") && !name.equals(ProfilePolicy.FILE)) {
          add(definitions, fhir.jsonParser().parseResource(Files.readString(file)));
        }
      } catch (IOException | DataFormatException e) {
        throw new IllegalArgumentException("--profiles: " + file + " is not a FHIR resource or package: "
            + e.getMessage(), e);
      }
    }
    return definitions;
  }

  private static List<Path> files(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not list --profiles " + directory, e);
    }
  }

  private static void readPackage(Fhir fhir, Path file, PrePopulatedValidationSupport definitions)
      throws IOException {
    NpmPackage npm;
    try (InputStream in = Files.newInputStream(file)) {
      npm = NpmPackage.fromPackage(in);
    }
    for (String resource : npm.listResources(TYPES)) {
      try (InputStream in = npm.loadResource(resource)) {
        add(definitions, fhir.jsonParser().parseResource(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      }
    }
  }

  private static void add(PrePopulatedValidationSupport definitions, IBaseResource resource) {
    String type = resource.fhirType();
    if (List.of(TYPES).contains(type)) {
      definitions.addResource(resource);
    }
  }
}
