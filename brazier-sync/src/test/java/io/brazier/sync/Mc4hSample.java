package io.brazier.sync;

import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The MC4H training's 20 sync bundles (see src/test/resources/mc4h/README.md), and a server that takes them as they
 * are: their conditional references to practitioners, organizations and locations get placeholders.
 */
final class Mc4hSample {
  private Mc4hSample() {}

  static ServerConfig serverConfig() {
    return ServerConfig.builder().missingReferences(ServerConfig.MissingReferences.PLACEHOLDER).build();
  }

  /** Every bundle's bytes. */
  static List<byte[]> bundles() {
    List<byte[]> bundles = new ArrayList<>();
    for (String file : files()) {
      try (InputStream in = new GZIPInputStream(Mc4hSample.class.getResourceAsStream(
          "/mc4h/SampleDataForSync/" + file))) {
        bundles.add(in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return bundles;
  }

  /** Posts every bundle as the transaction it is. */
  static void load(TestServer server) {
    for (byte[] bundle : bundles()) {
      var response = server.http().send("POST", "/fhir", bundle);
      if (response.status() != 200) {
        throw new AssertionError("A sample bundle failed " + response.status() + ": " + response.body());
      }
    }
  }

  /** The bundles' file names, listed in index.txt beside them. */
  static List<String> files() {
    try (InputStream in = Mc4hSample.class.getResourceAsStream("/mc4h/SampleDataForSync/index.txt")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
          .filter(line -> !line.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
