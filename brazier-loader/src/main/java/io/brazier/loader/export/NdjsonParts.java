package io.brazier.loader.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.loader.ExportDestination;
import io.brazier.loader.ExportFile;
import io.brazier.loader.send.Json;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The NDJSON files of an export, {@code [Type]-[n].ndjson}: per type, a local file that fills until it reaches the
 * destination's size, then is stored whole (moved into the folder, or uploaded as one blob) while the next one
 * fills. With {@code once}, a resource reached again (two include searches overlap) is written the first time only;
 * that remembers every type/id of the export. Thread-safe.
 */
final class NdjsonParts implements AutoCloseable {
  private final ExportDestination destination;
  private final String prefix;
  private final StagingFolder staging;
  private final Set<String> written;
  private final Map<String, Part> open = new HashMap<>();
  private final Map<String, Integer> numbers = new HashMap<>();
  private final List<ExportFile> stored = new ArrayList<>();
  private long repeats;

  /** @param prefix before each file's name: {@code ""}, or {@code error/} for the error file */
  NdjsonParts(ExportDestination destination, String prefix, boolean once) {
    this(destination, prefix, once, Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** @param temp where the files are staged while they fill */
  NdjsonParts(ExportDestination destination, String prefix, boolean once, Path temp) {
    this.destination = destination;
    this.prefix = prefix;
    this.staging = new StagingFolder(temp);
    this.written = once ? new HashSet<>() : null;
  }

  /** Writes the resource; false when it was written before. */
  synchronized boolean write(ObjectNode resource) throws IOException {
    String type = resource.path("resourceType").asText();
    if (written != null && !written.add(type + "/" + resource.path("id").asText())) {
      repeats++;
      return false;
    }
    Part part = open.get(type);
    if (part == null) {
      int number = numbers.merge(type, 1, Integer::sum);
      String name = type + "-" + number + ".ndjson";
      part = new Part(type, name, staging.made().resolve(name));
      open.put(type, part);
    }
    part.append(Json.bytes(resource));
    if (part.bytes >= destination.fileMaxBytes()) {
      store(open.remove(type));
    }
    return true;
  }

  synchronized long repeats() {
    return repeats;
  }

  /** Stores the files still filling; every file stored, by type and number. */
  synchronized List<ExportFile> finish() throws IOException {
    for (Part part : List.copyOf(open.values())) {
      store(part);
    }
    open.clear();
    List<ExportFile> files = new ArrayList<>(stored);
    files.sort(Comparator.comparing(ExportFile::url));
    return files;
  }

  private void store(Part part) throws IOException {
    part.out.close();
    stored.add(new ExportFile(part.type, destination.store(prefix + part.name, part.file), part.count));
  }

  /** Drops what was not stored (an export cancelled or failed). */
  @Override
  public synchronized void close() {
    for (Part part : open.values()) {
      try {
        part.out.close();
      } catch (IOException e) {
        // dropped below anyway
      }
    }
    staging.close();
  }

  private static final class Part {
    private final String type;
    private final String name;
    private final Path file;
    private final OutputStream out;
    private long bytes;
    private long count;

    Part(String type, String name, Path file) throws IOException {
      this.type = type;
      this.name = name;
      this.file = file;
      this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    }

    void append(byte[] line) throws IOException {
      out.write(line);
      out.write('\n');
      bytes += line.length + 1;
      count++;
    }
  }
}
