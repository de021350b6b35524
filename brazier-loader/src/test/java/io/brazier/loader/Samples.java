package io.brazier.loader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Test data from the classpath, written where a test drops it. */
public final class Samples {
  /** The training's three bundles, gzipped in src/test/resources/mc4h. */
  static final List<String> MC4H = List.of(
      "Aaron697_Altenwerth646_49e4c78d-aa48-5c86-d762-ef26a1c04193.json",
      "Abdul218_Carter549_fb99a8d1-13c2-8ba7-c881-ea04e361bb96.json",
      "Adam631_Brown30_95e1d8ab-4afd-62cc-c6e6-95d6019db425.json");
  static final List<String> MC4H_PATIENTS = List.of("49e4c78d-aa48-5c86-d762-ef26a1c04193",
      "fb99a8d1-13c2-8ba7-c881-ea04e361bb96", "95e1d8ab-4afd-62cc-c6e6-95d6019db425");

  private Samples() {}

  /** A gzipped classpath resource, inflated into {@code target}. */
  static Path inflate(String resource, Path target) {
    try (InputStream in = new GZIPInputStream(stream(resource))) {
      Files.createDirectories(target.getParent());
      Files.write(target, in.readAllBytes());
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(String resource) {
    try (InputStream in = new GZIPInputStream(stream(resource))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The training's bundles, as plain .json files in {@code folder}. */
  static void mc4h(Path folder) {
    MC4H.forEach(name -> inflate("/mc4h/" + name + ".gz", folder.resolve(name)));
  }

  /** The server tests' Synthea sample: 372 resources of three patients, one per line. */
  public static Path syntheaNdjson(Path target) {
    return inflate("/synthea/sample.ndjson.gz", target);
  }

  public static Path write(Path target, String content) {
    try {
      Files.createDirectories(target.getParent());
      return Files.writeString(target, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A zip archive of these entries: name, content, name, content... */
  public static byte[] zip(String... namesAndContents) {
    return zip(java.nio.charset.StandardCharsets.UTF_8, namesAndContents);
  }

  /** A zip archive of these entries, its names written in {@code names} (Windows' zip writes CP437). */
  public static byte[] zip(java.nio.charset.Charset names, String... namesAndContents) {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var zip = new java.util.zip.ZipOutputStream(bytes, names)) {
      for (int i = 0; i < namesAndContents.length; i += 2) {
        zip.putNextEntry(new java.util.zip.ZipEntry(namesAndContents[i]));
        zip.write(namesAndContents[i + 1].getBytes(java.nio.charset.StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A zip of uncompressed entries, whose content can be found and changed in its bytes. */
  public static byte[] stored(String... namesAndContents) {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var zip = new java.util.zip.ZipOutputStream(bytes)) {
      for (int i = 0; i < namesAndContents.length; i += 2) {
        byte[] content = namesAndContents[i + 1].getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var entry = new java.util.zip.ZipEntry(namesAndContents[i]);
        entry.setMethod(java.util.zip.ZipEntry.STORED);
        entry.setSize(content.length);
        var crc = new java.util.zip.CRC32();
        crc.update(content);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Where {@code needle} first is in {@code haystack} from {@code from} on. */
  public static int indexOf(byte[] haystack, byte[] needle, int from) {
    for (int i = from; i <= haystack.length - needle.length; i++) {
      if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new IllegalArgumentException("not found");
  }
  private static InputStream stream(String resource) {
    InputStream in = Samples.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalArgumentException("No test resource " + resource);
    }
    return in;
  }
}
