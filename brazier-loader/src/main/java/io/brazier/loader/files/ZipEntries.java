package io.brazier.loader.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Zip archives as both loaders read them: names in UTF-8 or CP437, the entries a Mac adds left out, each entry read
 * whole and checked against its CRC.
 */
public final class ZipEntries {
  private ZipEntries() {}

  /**
   * The archive, its names read as UTF-8, or as the zip format's own CP437 when they are not UTF-8: Windows' built-in
   * zip writes names so, without the flag that says UTF-8, and the JDK refuses them as a bad header.
   */
  public static ZipFile open(Path archive) throws IOException {
    try {
      return new ZipFile(archive.toFile(), StandardCharsets.UTF_8);
    } catch (ZipException notUtf8) {
      try {
        return new ZipFile(archive.toFile(), Charset.forName("IBM437"));
      } catch (ZipException broken) {
        throw notUtf8;
      }
    }
  }

  /** The files a Mac adds to the archives it makes ({@code __MACOSX/._name}, {@code .DS_Store}): not data. */
  public static boolean addedByMac(String entry) {
    return entry.startsWith("__MACOSX/") || entry.substring(entry.lastIndexOf('/') + 1).startsWith(".");
  }

  /**
   * Copies the entry to {@code out}, checking its CRC at the end (ZipFile does not): a cut or altered entry throws
   * here, after its bytes went to {@code out}, so read an entry to its end before sending anything of it.
   */
  public static void copy(ZipFile zip, ZipEntry entry, OutputStream out) throws IOException {
    try (CheckedInputStream in = new CheckedInputStream(zip.getInputStream(entry), new CRC32())) {
      in.transferTo(out);
      if (entry.getCrc() != -1 && in.getChecksum().getValue() != entry.getCrc()) {
        throw new ZipException("the entry " + entry.getName() + " does not match its CRC");
      }
    }
  }
}
