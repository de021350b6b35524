package io.brazier.sync.map;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads a set of maps: the files of a directory, or the built-in defaults. */
public final class MapLoader {
  /** The built-in maps, one file each under {@code io/brazier/sync/maps/}: the original agent's 25 maps. */
  public static final List<String> DEFAULTS = List.of("allergyintolerance", "appointment", "appointment-slot",
      "careplan", "careteam", "careteam-participant", "careteam-participant-role", "claim", "condition", "device",
      "diagnosticreport", "encounter", "location", "medication", "medicationrequest", "observation", "organization",
      "patient", "patient-identifier", "patient-link", "practitioner", "procedure", "relatedperson", "schedule",
      "slot");

  private final MapReader reader;
  private final PathTypes paths;

  public MapLoader(MapReader reader) {
    this.reader = reader;
    this.paths = new PathTypes(reader.fhirPath());
  }

  /** The files a set of maps is read from, by name, and a fingerprint of them all. */
  public record MapFiles(String origin, Map<String, byte[]> contents, String fingerprint) {}

  /** The built-in maps' files. */
  public static MapFiles builtIn() {
    Map<String, byte[]> contents = new TreeMap<>();
    for (String name : DEFAULTS) {
      try (InputStream in = MapLoader.class.getResourceAsStream("/io/brazier/sync/maps/" + name + ".json")) {
        contents.put(name + ".json", in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException("The built-in map " + name + " could not be read", e);
      }
    }
    return new MapFiles("built-in", contents, fingerprint(contents));
  }

  /**
   * The {@code *.json} files of a directory, as they are now.
   *
   * @throws IOException saying in words what is wrong with the directory (Java's own exceptions carry only the
   *     path, which is all a user saw)
   */
  public static MapFiles directory(Path dir) throws IOException {
    Map<String, byte[]> contents = new TreeMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path file : files) {
        if (Files.isRegularFile(file)) {
          contents.put(file.getFileName().toString(), Files.readAllBytes(file));
        }
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      throw new IOException("The maps directory " + dir + (e instanceof NoSuchFileException ? " does not exist"
          : " is not a directory") + ": give a directory of maps ('brazier sync maps " + dir + "' writes the"
          + " built-in ones there to start from)", e);
    } catch (IOException e) {
      throw new IOException("The maps directory " + dir + " could not be read: " + e, e); // names the exception
    }
    return new MapFiles(dir.toString(), contents, fingerprint(contents));
  }

  /**
   * The maps of these files.
   *
   * @throws MapException naming the file and field of the first mistake
   */
  public MapSet load(MapFiles files) {
    if (files.contents().isEmpty()) {
      throw new MapException(files.origin(), null, "holds no map: put one .json file per entity map there");
    }
    List<EntityMap> maps = new ArrayList<>();
    files.contents().forEach((name, content) -> maps.add(reader.read(name, content)));
    MapSet set = MapSet.of(files.origin(), maps);
    paths.check(set);
    return set;
  }

  /** Writes the built-in maps into {@code dir}, to start a set of one's own from them. */
  public static void writeDefaults(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, byte[]> file : builtIn().contents().entrySet()) {
      Files.write(dir.resolve(file.getKey()), file.getValue());
    }
  }

  private static String fingerprint(Map<String, byte[]> contents) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      contents.forEach((name, content) -> {
        digest.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(content);
        digest.update((byte) 0);
      });
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
