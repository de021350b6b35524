package io.brazier.loader.files;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobStorageException;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The files a one-shot load reads: files, folders (walked), Blob container URLs (with a SAS when the container is
 * not public), and the entries of zip archives among them, read through the archive's directory one entry at a time
 * (a zip in Blob storage is first copied to a temporary file). A broken archive is a problem of its own, named with
 * the reason, and none of its entries loads; so is one with an entry that does not match its CRC, found by reading
 * every entry once before the load.
 */
public final class Inputs implements Closeable {
  private final List<InputFile> files = new ArrayList<>();
  private final Map<String, String> problems = new LinkedHashMap<>();
  private final List<Closeable> open = new ArrayList<>();

  /**
   * @throws IllegalArgumentException naming an argument that is neither a file, a folder nor a container URL, or a
   *     container that cannot be listed
   */
  public static Inputs of(List<String> arguments) throws IOException {
    Inputs inputs = new Inputs();
    for (String argument : arguments) {
      if (argument.startsWith("http://") || argument.startsWith("https://")) {
        inputs.container(argument);
      } else {
        Path path = Path.of(argument);
        if (!Files.exists(path)) {
          throw new IllegalArgumentException(argument + " is neither a file, a folder nor a Blob container URL");
        }
        inputs.path(path);
      }
    }
    return inputs;
  }

  public List<InputFile> files() {
    return Collections.unmodifiableList(files);
  }

  /** The inputs that cannot be read at all, each with the reason. */
  public Map<String, String> problems() {
    return Collections.unmodifiableMap(problems);
  }

  private void path(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      List<Path> found;
      try (Stream<Path> walk = Files.walk(path)) {
        found = walk.filter(Files::isRegularFile).sorted().toList();
      }
      List<Path> loadable = found.stream().filter(file -> !FileKind.partial(file.getFileName().toString())
          && FileKind.of(file.getFileName().toString()) != FileKind.OTHER).toList();
      if (loadable.isEmpty()) {
        nothingToLoad(path.toString(), "folder", found.stream().map(file -> file.getFileName().toString()).toList());
      }
      for (Path file : loadable) {
        add(file.toString(), Files.size(file), () -> Files.newInputStream(file), () -> file);
      }
    } else {
      add(path.toString(), Files.size(path), () -> Files.newInputStream(path), () -> path);
    }
  }

  private void container(String url) throws IOException {
    BlobContainerClient container = new BlobContainerClientBuilder().endpoint(url).buildClient();
    List<BlobItem> blobs = listed(container, url);
    List<BlobItem> loadable = blobs.stream().filter(blob -> !FileKind.partial(blob.getName())
        && FileKind.of(blob.getName()) != FileKind.OTHER).toList();
    if (loadable.isEmpty()) {
      nothingToLoad(withoutSas(url), "container", blobs.stream().map(BlobItem::getName).toList());
    }
    for (BlobItem blob : loadable) {
      String name = blob.getName();
      var client = container.getBlobClient(name);
      add(container.getBlobContainerName() + "/" + name, blob.getProperties().getContentLength(),
          client::openInputStream, () -> {
            Path copy = Files.createTempFile("brazier-load", ".zip");
            client.downloadToFile(copy.toString(), true);
            open.add(() -> Files.deleteIfExists(copy));
            return copy;
          });
    }
  }

  /**
   * A folder or container with nothing to load is a problem: else a folder of FHIR XML, or a mistyped one, "loaded"
   * nothing and the load said it succeeded.
   */
  private void nothingToLoad(String input, String holder, List<String> others) {
    problems.put(input, "The " + holder + " holds no file the loader reads (bundles *.json, NDJSON *.ndjson, their"
        + " .gz forms and zip archives of them)" + (others.isEmpty() ? ": it is empty."
            : "; " + others.size() + " other files passed over, such as " + others.get(0) + "."));
  }

  /** A container's URL as it may be shown: its SAS is a secret. */
  private static String withoutSas(String url) {
    return url.replaceFirst("\\?.*", "");
  }

  /**
   * The container's blobs; a container that cannot be listed (misspelt, or a SAS missing, expired or without list
   * permission) is an argument to fix, said in a sentence: the account's answer is a page of XML.
   */
  private static List<BlobItem> listed(BlobContainerClient container, String url) {
    String named = withoutSas(url);
    resolved(named);
    try {
      return container.listBlobs().stream().toList();
    } catch (BlobStorageException e) {
      throw new IllegalArgumentException(named + " could not be listed as a Blob container: the account answered "
          + e.getStatusCode() + " " + e.getErrorCode() + (e.getStatusCode() == 404 ? "; check the container's name"
              : "; give a SAS that allows reading and listing (sp=rl) and has not expired, after a ?"));
    } catch (RuntimeException e) {
      throw unreachable(named, e);
    }
  }

  /**
   * Refuses a container URL whose host does not resolve, at once: the SDK would try it four times over some 40 s,
   * logging an error with the UnknownHostException at each, and then fail with it, saying neither what to check.
   */
  private static void resolved(String named) {
    String host = URI.create(named).getHost();
    try {
      InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("The Blob storage host " + host + " of " + named + " is not known: check"
          + " the account name in the URL (https://ACCOUNT.blob.core.windows.net/CONTAINER?SAS) and this machine's"
          + " DNS.");
    }
  }

  /**
   * The host of a container URL that could not be reached, in a sentence that says what to check; the SDK's failure
   * (an IOException deep in its reactive stack) says neither. Any other failure is left as it is.
   */
  private static RuntimeException unreachable(String named, RuntimeException e) {
    String host = URI.create(named).getHost();
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException network) {
        return new IllegalArgumentException("The Blob storage host " + host + " of " + named + " could not be"
            + " reached (" + network.getMessage() + "): check the URL, and that this machine may reach that host"
            + " (network, proxy, firewall).");
      }
    }
    return e;
  }

  /** Where an archive can be read from: a local path, or a temporary copy. */
  private interface Local {
    Path path() throws IOException;
  }

  private void add(String name, long size, InputFile.Opener opener, Local local) throws IOException {
    FileKind kind = FileKind.of(name);
    if (kind == FileKind.ZIP) {
      archive(name, local);
    } else if (kind == FileKind.OTHER) {
      problems.put(name, "Not a file the loader reads: it loads bundles (*.json), NDJSON (*.ndjson), their .gz"
          + " forms and zip archives of them.");
    } else {
      files.add(new InputFile(name, size, opener));
    }
  }

  private void archive(String name, Local local) throws IOException {
    ZipFile zip;
    try {
      zip = ZipEntries.open(local.path());
    } catch (ZipException e) {
      broken(name, e);
      return;
    }
    open.add(zip);
    List<InputFile> entries = new ArrayList<>();
    try {
      for (ZipEntry entry : Collections.list(zip.entries())) {
        FileKind kind = FileKind.of(entry.getName());
        if (!entry.isDirectory() && !ZipEntries.addedByMac(entry.getName()) && kind != FileKind.OTHER
            && kind != FileKind.ZIP) {
          // Read through once first: an NDJSON entry cut or altered halfway would have sent its first lines.
          ZipEntries.copy(zip, entry, OutputStream.nullOutputStream());
          entries.add(new InputFile(name + "!/" + entry.getName(), entry.getSize(), () -> zip.getInputStream(entry)));
        }
      }
    } catch (ZipException | EOFException e) {
      broken(name, e);
      return;
    }
    files.addAll(entries);
  }

  private void broken(String name, IOException e) {
    problems.put(name, "A broken zip archive (" + e.getMessage() + "): none of its entries was loaded;"
        + " create the archive again.");
  }

  @Override
  public void close() {
    for (Closeable closeable : open) {
      try {
        closeable.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
