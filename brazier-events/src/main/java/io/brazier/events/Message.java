package io.brazier.events;

import java.nio.charset.StandardCharsets;

/**
 * A message to publish: its topic, its key (the patient, see {@link PatientKeys}), its body, and the change feed
 * sequence of the write it tells of (0 when it comes from a response), sent as the {@code fhir-sequence} header.
 */
public record Message(String topic, String key, byte[] value, long sequence) {

  public String text() {
    return new String(value, StandardCharsets.UTF_8);
  }
}
