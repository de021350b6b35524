package io.brazier.sync.map;

import java.util.UUID;

/** A row of {@code msemr_codeableconcept}: a code of a code system, or a text without one. */
public record Concept(UUID key, String system, String code, String name) {}
