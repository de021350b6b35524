package io.brazier.loader.files;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** A file to load: its name as the user knows it, its size, and how to read it (again, from the start). */
public record InputFile(String name, long size, Opener opener) {

  /** Opens the file's bytes as stored. */
  @FunctionalInterface
  public interface Opener {
    InputStream open() throws IOException;
  }

  public FileKind kind() {
    return FileKind.of(name);
  }

  /** The content, inflated when the name ends in {@code .gz}. */
  public InputStream content() throws IOException {
    InputStream raw = new BufferedInputStream(opener.open(), 1 << 16);
    return FileKind.gzipped(name) ? new GZIPInputStream(raw, 1 << 16) : raw;
  }

  public byte[] bytes() throws IOException {
    try (InputStream in = content()) {
      return in.readAllBytes();
    }
  }
}
