package io.brazier.server.operation;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.server.ImportConfig;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.server.operation.Importer.Input;
import io.brazier.testkit.TempFolders;
import java.nio.file.Path;
import java.util.List;

/**
 * A server that imports the NDJSON files of a folder, its lines at most {@value #MAX_LINE_BYTES} bytes and their
 * resources at most {@value #MAX_INDEX_ENTRIES} search index entries, an input until {@value #MAX_ERRORS} of its
 * lines failed: started once
 * per test JVM, on a database of its own (any node of a database may run an import, and the shared server may read
 * no folder), for the tests of how an input's lines are read. Each test names its files and resources apart.
 */
final class FolderImports {
  static final int MAX_LINE_BYTES = 4096;
  static final int MAX_INDEX_ENTRIES = 200;
  static final int MAX_ERRORS = 1500;

  private static FolderImports shared;

  private final Path folder;
  private final TestServer server;
  private final Importer importer;

  private FolderImports() {
    folder = TempFolders.createUntilExit("brazier-folder-imports");
    server = TestServer.start(ServerConfig.builder().maxBodyBytes(MAX_LINE_BYTES).maxIndexEntries(MAX_INDEX_ENTRIES)
        .imports(new ImportConfig(folder, List.of(), null, MAX_ERRORS)).build());
    importer = new Importer(server);
  }

  static synchronized FolderImports shared() {
    if (shared == null) {
      shared = new FolderImports();
      Runtime.getRuntime().addShutdownHook(new Thread(shared.server::close));
    }
    return shared;
  }

  TestServer server() {
    return server;
  }

  /** Writes {@code lines} as the folder's file {@code name}: its URL. */
  String file(String name, List<String> lines) {
    return Importer.ndjson(folder.resolve(name), lines);
  }

  /** Imports the resources of {@code type} in the file at {@code url}: the manifest. */
  JsonNode run(String type, String url) {
    return importer.run(null, new Input(type, url));
  }

  /** Imports these inputs: the manifest. */
  JsonNode run(Input... inputs) {
    return importer.run(null, inputs);
  }

  /** The diagnostics of each line of the input at {@code url} that failed, in its order. */
  List<String> diagnostics(JsonNode manifest, String url) {
    return importer.diagnostics(manifest, url);
  }

  /** How a diagnostic names line {@code line} of the input at {@code url}. */
  static String line(int line, String url) {
    return "Line " + line + " of " + url;
  }
}
