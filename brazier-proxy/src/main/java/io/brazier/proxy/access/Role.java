package io.brazier.proxy.access;

import java.util.Optional;

/**
 * The roles a token (Entra's {@code roles}, Keycloak's realm and client roles) or a registered client may carry.
 * Reader, Writer and Administrator grant rights on every type; the participant roles say whose data a person is
 * and grant nothing by themselves: patient isolation gives them their meaning.
 */
public enum Role {
  /** Reads and searches everything. */
  READER("Reader"),
  /** Creates, updates and deletes everything (but does not read). */
  WRITER("Writer"),
  /** Everything, the bulk and maintenance operations included, and the operator endpoints. */
  ADMINISTRATOR("Administrator"),
  PATIENT("Patient"),
  PRACTITIONER("Practitioner"),
  RELATED_PERSON("RelatedPerson");

  private final String title;

  Role(String title) {
    this.title = title;
  }

  /** The name tokens and the clients file use: {@code Reader}. */
  public String title() {
    return title;
  }

  public static Optional<Role> named(String name) {
    for (Role role : values()) {
      if (role.title.equals(name)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
