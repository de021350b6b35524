package io.brazier.fhir.v2;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The ids of converted resources: name-based UUIDs (RFC 4122 version 3) of the resource type and what identifies
 * the thing in the message (a patient's identifier, the message's control id and a segment's place), so that
 * converting a message again, or another message about the same patient, gives the same ids, and loading the
 * bundle twice updates rather than duplicates.
 */
final class Ids {
  private Ids() {}

  static String of(String type, String... key) {
    return UUID.nameUUIDFromBytes((type + "|" + String.join("|", key)).getBytes(StandardCharsets.UTF_8)).toString();
  }
}
