package io.brazier.loader;

import static io.brazier.loader.Folders.BUNDLES;
import static io.brazier.loader.Folders.NDJSON;
import static io.brazier.loader.Folders.ZIP;
import static io.brazier.loader.Folders.ZIP_ERR;
import static io.brazier.loader.Folders.ZIP_PROCESSED;

import io.brazier.client.FileTrees;
import io.brazier.loader.files.FileKind;
import io.brazier.loader.files.ZipEntries;
import io.brazier.loader.storage.Storage;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpacks a dropped zip archive: its bundles into {@code bundles}, its NDJSON into {@code ndjson}, named {@code
 * [archive]-[entry]} (sanitized, numbered when two entries meet), to be loaded as dropped files. Every entry is first
 * read whole to a staging folder, one at a time from the archive's directory, so that a broken archive releases
 * nothing: it goes to {@code ziperr} with the reason.
 */
final class Archives {
  private static final Logger log = LoggerFactory.getLogger(Archives.class);

  private final Storage storage;
  private final Results results;

  Archives(Storage storage, Results results) {
    this.storage = storage;
    this.results = results;
  }

  /** True when the archive was unpacked, false when it went to the error folder. */
  boolean unpack(String name) throws IOException {
    Path staging = storage.staging();
    Path local = storage.local(ZIP, name);
    try {
      List<Staged> staged;
      try {
        staged = stage(name, local, staging);
      } catch (ZipException | EOFException e) {
        results.failed(ZIP, ZIP_ERR, name, "A broken zip archive (" + e.getMessage() + "): none of its entries"
            + " was loaded; create the archive again and drop it anew.", null);
        return false;
      }
      for (Staged entry : staged) {
        storage.write(entry.folder(), entry.name(), entry.path());
      }
      storage.move(ZIP, name, ZIP_PROCESSED, name);
      return true;
    } finally {
      storage.release(local);
      FileTrees.delete(staging);
    }
  }

  private record Staged(String folder, String name, Path path) {}

  private List<Staged> stage(String name, Path archive, Path staging) throws IOException {
    List<Staged> staged = new ArrayList<>();
    Set<String> names = new HashSet<>();
    String prefix = Folders.sanitize(Folders.stem(name.replaceAll("\\.zip$", "")));
    try (ZipFile zip = ZipEntries.open(archive)) {
      for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
        ZipEntry entry = entries.nextElement();
        FileKind kind = FileKind.of(entry.getName());
        if (entry.isDirectory() || ZipEntries.addedByMac(entry.getName())
            || (kind != FileKind.BUNDLE && kind != FileKind.NDJSON)) {
          log.info("Zip entry skipped, not a bundle or NDJSON archive={} entry={}", name, entry.getName());
          continue;
        }
        String base = prefix + "-" + Folders.sanitize(Folders.stem(entry.getName()));
        String unique = base;
        for (int n = 2; !names.add(unique); n++) {
          unique = base + "-" + n;
        }
        String extension = (kind == FileKind.BUNDLE ? ".json" : ".ndjson")
            + (FileKind.gzipped(entry.getName()) ? ".gz" : "");
        Path path = staging.resolve(unique + extension);
        copy(zip, entry, path);
        staged.add(new Staged(kind == FileKind.BUNDLE ? BUNDLES : NDJSON, unique + extension, path));
      }
    }
    return staged;
  }

  private static void copy(ZipFile zip, ZipEntry entry, Path path) throws IOException {
    try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW)) {
      ZipEntries.copy(zip, entry, out);
    }
  }
}
