package io.brazier.fhir;

/** The two FHIR wire formats. */
public enum Format {
  JSON("application/fhir+json"),
  XML("application/fhir+xml");

  private final String mediaType;

  Format(String mediaType) {
    this.mediaType = mediaType;
  }

  public String mediaType() {
    return mediaType;
  }
}
