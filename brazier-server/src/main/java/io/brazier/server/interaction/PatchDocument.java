package io.brazier.server.interaction;

/** A parsed patch document: applied to the JSON of the current version, it gives the JSON of the next one. */
@FunctionalInterface
interface PatchDocument {
  byte[] apply(byte[] json);
}
