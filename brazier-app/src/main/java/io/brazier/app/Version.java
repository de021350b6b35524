package io.brazier.app;

import picocli.CommandLine.IVersionProvider;

/** The version the jar was built as. */
final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Brazier.class.getPackage().getImplementationVersion();
    return new String[] {"brazier " + (version == null ? "development build" : version)};
  }
}
