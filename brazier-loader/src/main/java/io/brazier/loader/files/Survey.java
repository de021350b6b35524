package io.brazier.loader.files;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts files in the order they must load: files holding only reference data (Organization, Location, Practitioner,
 * PractitionerRole) first, then the rest, NDJSON files after the files of the types they refer to (a server that
 * checks references refuses an Observation before its Encounter). What a file holds and refers to is read from its
 * first lines; the types of an NDJSON file that refers to its own kind share a layer.
 */
public final class Survey {
  public static final Set<String> REFERENCE_DATA = Set.of("Organization", "Location", "Practitioner",
      "PractitionerRole");
  private static final Pattern TYPE = Pattern.compile("\"resourceType\"\\s*:\\s*\"([A-Za-z]+)\"");
  private static final Pattern REFERENCE = Pattern.compile("\"reference\"\\s*:\\s*\"([A-Z][A-Za-z]+)[/?]");
  private static final int SAMPLE_LINES = 1000;

  private Survey() {}

  /** Whether the file holds only Organization, Location, Practitioner and PractitionerRole resources. */
  public static boolean isReferenceData(InputFile file) {
    return sample(file).onlyReferenceData();
  }

  /** What the start of a file shows: the types it holds and those it refers to. */
  record Sample(Set<String> types, Set<String> referenced, boolean onlyReferenceData) {}

  /** The files in layers: each layer may load at once, after the layers before it. */
  public static List<List<InputFile>> layers(List<InputFile> files) {
    List<InputFile> reference = new ArrayList<>();
    Map<InputFile, Sample> ndjson = new LinkedHashMap<>();
    List<InputFile> rest = new ArrayList<>();
    for (InputFile file : files) {
      Sample sample = sample(file);
      if (sample.onlyReferenceData()) {
        reference.add(file);
      } else if (file.kind() == FileKind.NDJSON) {
        ndjson.put(file, sample);
      } else {
        rest.add(file);
      }
    }
    List<List<InputFile>> layers = new ArrayList<>();
    if (!reference.isEmpty()) {
      layers.add(reference);
    }
    List<List<InputFile>> ordered = byReferences(ndjson);
    if (ordered.isEmpty()) {
      ordered.add(new ArrayList<>());
    }
    ordered.get(0).addAll(rest);
    ordered.stream().filter(layer -> !layer.isEmpty()).forEach(layers::add);
    return layers;
  }

  /** Kahn's layering: a file waits for the files holding types it refers to; what is left in a cycle goes last. */
  private static List<List<InputFile>> byReferences(Map<InputFile, Sample> files) {
    List<List<InputFile>> layers = new ArrayList<>();
    Map<InputFile, Sample> waiting = new LinkedHashMap<>(files);
    while (!waiting.isEmpty()) {
      List<InputFile> layer = new ArrayList<>();
      for (Map.Entry<InputFile, Sample> file : waiting.entrySet()) {
        boolean ready = waiting.entrySet().stream().noneMatch(other -> other.getKey() != file.getKey()
            && other.getValue().types().stream().anyMatch(type -> file.getValue().referenced().contains(type)
                && !file.getValue().types().contains(type)));
        if (ready) {
          layer.add(file.getKey());
        }
      }
      if (layer.isEmpty()) {
        layer.addAll(waiting.keySet());
      }
      layer.forEach(waiting::remove);
      layers.add(layer);
    }
    return layers;
  }

  /** Reads the start of the file (a bundle until it holds something other than reference data). */
  static Sample sample(InputFile file) {
    Set<String> types = new HashSet<>();
    Set<String> referenced = new HashSet<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(file.content(), StandardCharsets.UTF_8))) {
      if (file.kind() == FileKind.BUNDLE) {
        scanBundle(reader, types);
      } else if (file.kind() == FileKind.NDJSON) {
        scanLines(reader, types, referenced);
      }
    } catch (IOException e) {
      types.clear(); // the load itself will say what is wrong with the file
    }
    boolean onlyReference = !types.isEmpty() && REFERENCE_DATA.containsAll(types);
    return new Sample(types, referenced, onlyReference);
  }

  /** A bundle's entry types, read in blocks (Synthea writes a bundle on one line) until one is not reference data. */
  private static void scanBundle(BufferedReader reader, Set<String> types) throws IOException {
    char[] block = new char[1 << 16];
    StringBuilder window = new StringBuilder();
    for (int read; (read = reader.read(block)) > 0; ) {
      window.append(block, 0, read);
      Matcher type = TYPE.matcher(window);
      int end = 0;
      while (type.find()) {
        end = type.end();
        if (!type.group(1).equals("Bundle")) {
          types.add(type.group(1));
          if (!REFERENCE_DATA.contains(type.group(1))) {
            return;
          }
        }
      }
      // Keep a tail that may hold the start of a match cut by the block's end.
      window.delete(0, Math.max(end, window.length() - 100));
    }
  }

  private static void scanLines(BufferedReader reader, Set<String> types, Set<String> referenced) throws IOException {
    int read = 0;
    for (String line; read < SAMPLE_LINES && (line = reader.readLine()) != null; read++) {
      Matcher type = TYPE.matcher(line);
      if (type.find()) {
        types.add(type.group(1)); // the resource's own type comes first; contained resources come later
      }
      Matcher reference = REFERENCE.matcher(line);
      while (reference.find()) {
        referenced.add(reference.group(1));
      }
    }
  }
}
