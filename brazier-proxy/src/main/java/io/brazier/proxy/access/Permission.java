package io.brazier.proxy.access;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a SMART v2 scope permits on a resource type, one letter each, in the order scopes write them (cruds).
 * https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html#scopes-for-requesting-fhir-resources
 */
public enum Permission {
  /** Type level create. */
  CREATE('c'),
  /** Instance level read, vread and history. */
  READ('r'),
  /** Instance level update and patch. */
  UPDATE('u'),
  /** Instance level delete. */
  DELETE('d'),
  /** Type and system level search and history. */
  SEARCH('s');

  private final char letter;

  Permission(char letter) {
    this.letter = letter;
  }

  public char letter() {
    return letter;
  }

  /** SMART v1's {@code read}: read and search. */
  public static final Set<Permission> V1_READ = EnumSet.of(READ, SEARCH);
  /** SMART v1's {@code write}: create, update and delete. */
  public static final Set<Permission> V1_WRITE = EnumSet.of(CREATE, UPDATE, DELETE);

  /**
   * The permissions of a scope's suffix: v1's {@code read}, {@code write} or {@code *}, or v2's letters in cruds
   * order ({@code rs}, {@code cud}); null for anything else, which grants nothing.
   */
  static Set<Permission> parse(String suffix) {
    switch (suffix) {
      case "read": return V1_READ;
      case "write": return V1_WRITE;
      case "*": return EnumSet.allOf(Permission.class);
      default: break;
    }
    if (suffix.isEmpty()) {
      return null;
    }
    EnumSet<Permission> permissions = EnumSet.noneOf(Permission.class);
    int next = 0;
    for (char letter : suffix.toCharArray()) {
      Permission found = null;
      for (int i = next; i < values().length && found == null; i++) {
        if (values()[i].letter == letter) {
          found = values()[i];
          next = i + 1;
        }
      }
      if (found == null) {
        return null; // an unknown letter, a repeated one, or one out of cruds order
      }
      permissions.add(found);
    }
    return permissions;
  }
}
