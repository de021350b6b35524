package io.brazier.proxy.processor;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.client.Jackson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which profiles each resource type must meet, and whether warnings pass: {@code policy.json} in the profiles
 * directory, an object by resource type, {@code "*"} for every type not named (without it, types not named are not
 * validated):
 * <pre>{"Patient": {"profiles": ["http://example.org/StructureDefinition/my-patient"], "warnings": "pass"},
 *  "*": {"profiles": [], "warnings": "fail"}}</pre>
 * {@code warnings} is {@code pass} (the default) or {@code fail}; errors always fail.
 */
record ProfilePolicy(Map<String, Rule> rules) {
  static final String FILE = "policy.json";
  private static final String EVERY_TYPE = "*";

  /** What a type must meet. */
  record Rule(List<String> profiles, boolean warningsPass) {}

  ProfilePolicy {
    rules = Map.copyOf(rules);
  }

  /** The rule of {@code type}: its own, else the one of every type; none when neither is set. */
  Optional<Rule> of(String type) {
    return Optional.ofNullable(rules.getOrDefault(type, rules.get(EVERY_TYPE)));
  }

  static ProfilePolicy read(Path directory) {
    Path file = directory.resolve(FILE);
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("--profiles " + directory + " holds no " + FILE + ": say there which"
          + " profiles each resource type must meet, e.g. {\"Patient\": {\"profiles\": [\"<url>\"]}}");
    }
    JsonNode tree;
    try {
      tree = Jackson.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("--profiles: " + file + " is not JSON: " + e.getMessage(), e);
    }
    Map<String, Rule> rules = new HashMap<>();
    tree.properties().forEach(type -> rules.put(type.getKey(), rule(file, type.getKey(), type.getValue())));
    return new ProfilePolicy(rules);
  }

  private static Rule rule(Path file, String type, JsonNode rule) {
    List<String> profiles = new ArrayList<>();
    rule.path("profiles").forEach(profile -> profiles.add(profile.asText()));
    String warnings = rule.path("warnings").asText("pass");
    if (!warnings.equals("pass") && !warnings.equals("fail")) {
      throw new IllegalArgumentException("--profiles: " + file + " says warnings '" + warnings + "' for " + type
          + "; say pass or fail");
    }
    return new Rule(List.copyOf(profiles), warnings.equals("pass"));
  }
}
