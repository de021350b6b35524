package io.brazier.fhir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The required bindings of base R4 on coded elements, as a table made from HAPI's R4 definitions when the table is
 * checked in ({@code RequiredBindingTableTest} makes it again and fails if it differs), so that no start parses the
 * StructureDefinitions and expands the ValueSets. It is tab-separated text, one line each:
 * <pre>
 * valueset  {canonical url}  {system|code}  {system|code} ...
 * binding   {element path}   {ValueSet as the definition names it}  {canonical url of a valueset line above}
 * </pre>
 * Bindings come in the order of their type's StructureDefinition; lines starting with {@code #} are comments.
 */
record RequiredBindingTable(Map<String, List<Entry>> byType) {
  static final String RESOURCE = "required-bindings.tsv";

  /** A bound element: its path (such as {@code Condition.clinicalStatus}), its ValueSet and the codes it admits. */
  record Entry(String path, String valueSet, Codes codes) {
    String type() {
      return path.substring(0, path.indexOf('.'));
    }
  }

  /** The codes of a ValueSet: each as {@code system|code}, and each code alone for values that carry no system. */
  record Codes(Set<String> systemCodes, Set<String> codes) {
    static Codes of(Set<String> systemCodes) {
      return new Codes(Set.copyOf(systemCodes), systemCodes.stream()
          .map(systemCode -> systemCode.substring(systemCode.indexOf('|') + 1)).collect(Collectors.toUnmodifiableSet()));
    }

    boolean contains(String system, String code) {
      return system == null ? codes.contains(code) : systemCodes.contains(system + "|" + code);
    }
  }

  /** The table this jar holds. */
  static RequiredBindingTable load() {
    try (InputStream in = RequiredBindingTable.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return read(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + RESOURCE, e);
    }
  }

  static RequiredBindingTable read(BufferedReader lines) throws IOException {
    Map<String, Codes> valueSets = new HashMap<>();
    Map<String, List<Entry>> byType = new HashMap<>();
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      String[] fields = line.split("\t");
      if (fields[0].equals("valueset")) {
        valueSets.put(fields[1], Codes.of(Set.of(Arrays.copyOfRange(fields, 2, fields.length))));
      } else if (fields[0].equals("binding")) {
        Codes codes = valueSets.get(fields[3]);
        if (codes == null) {
          throw new IllegalStateException(RESOURCE + " binds " + fields[1] + " to a ValueSet it lists nowhere above");
        }
        Entry entry = new Entry(fields[1], fields[2], codes);
        byType.computeIfAbsent(entry.type(), type -> new ArrayList<>()).add(entry);
      } else if (!line.isEmpty() && !line.startsWith("#")) {
        throw new IllegalStateException(RESOURCE + " has a line it cannot read: " + line);
      }
    }
    byType.replaceAll((type, entries) -> List.copyOf(entries));
    return new RequiredBindingTable(Map.copyOf(byType));
  }

  List<Entry> entries(String type) {
    return byType.getOrDefault(type, List.of());
  }
}
