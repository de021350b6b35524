package io.brazier.store.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brazier's tables: the Flyway migrations in {@code db/migration}, applied, and named by their content and the
 * embedded PostgreSQL binaries that would run them.
 */
final class Schema {
  private static final String LOCATION = "db/migration";
  /** The archives of PostgreSQL binaries the embedded PostgreSQL library picks from, by system. */
  private static final List<String> BINARIES = List.of("linux-x86_64", "linux-x86_64-alpine_linux", "linux-arm_64",
      "linux-arm_64-alpine_linux", "darwin-x86_64", "darwin-arm_64", "windows-x86_64");

  private Schema() {}

  /** Applies the migrations the database lacks; checks the checksums of those it has. */
  static MigrateResult migrate(DataSource dataSource) {
    return Flyway.configure().dataSource(dataSource).locations("classpath:" + LOCATION).load().migrate();
  }

  /**
   * A digest of every migration's name and content, read from the jar or folder this class was loaded from, and of
   * the sizes of the PostgreSQL binaries on the class path: two builds with the same migrations and binaries make
   * the same cluster.
   */
  static String fingerprint() {
    try {
      Path source = Path.of(Schema.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Map<String, byte[]> migrations = Files.isDirectory(source) ? fromFolder(source.resolve(LOCATION))
          : fromJar(source);
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      migrations.forEach((name, content) -> {
        digest.update(name.getBytes(StandardCharsets.UTF_8));
        digest.update(content);
      });
      digest.update(binaries().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest.digest(), 0, 12);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read the database migrations", e);
    } catch (URISyntaxException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("Could not read the database migrations", e);
    }
  }

  /** The binaries' archives, each with its size: a new PostgreSQL (whose data files differ) has others. */
  private static String binaries() throws IOException {
    StringBuilder binaries = new StringBuilder();
    for (String system : BINARIES) {
      URL archive = Schema.class.getClassLoader().getResource("postgres-" + system + ".txz");
      if (archive != null) {
        binaries.append(system).append('=').append(archive.openConnection().getContentLengthLong()).append(';');
      }
    }
    return binaries.toString();
  }

  private static Map<String, byte[]> fromFolder(Path folder) throws IOException {
    Map<String, byte[]> migrations = new TreeMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        migrations.put(file.getFileName().toString(), Files.readAllBytes(file));
      }
    }
    return migrations;
  }

  private static Map<String, byte[]> fromJar(Path jar) throws IOException {
    Map<String, byte[]> migrations = new TreeMap<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      for (JarEntry entry : (Iterable<JarEntry>) file.stream()::iterator) {
        if (entry.getName().startsWith(LOCATION + "/") && !entry.isDirectory()) {
          try (InputStream content = file.getInputStream(entry)) {
            migrations.put(entry.getName().substring(LOCATION.length() + 1), content.readAllBytes());
          }
        }
      }
    }
    return migrations;
  }
}
