package io.brazier.proxy.access;

import io.brazier.server.Caller;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a caller may do: the union of what its roles and its SMART scopes grant, every one of them considered (not
 * the first that names the type). A caller with neither may do nothing.
 */
public final class Rights {
  private static final Set<Permission> READER = EnumSet.of(Permission.READ, Permission.SEARCH);
  private static final Set<Permission> WRITER = EnumSet.of(Permission.CREATE, Permission.UPDATE, Permission.DELETE);

  /** One right: permissions on a type ({@code *}: all), perhaps only on resources matching constraints. */
  private record Grant(Scope.Context context, String type, Set<Permission> permissions,
      Map<String, String> constraints) {

    boolean covers(Permission permission, String resourceType) {
      return permissions.contains(permission) && (type.equals("*") || type.equals(resourceType));
    }
  }

  /** How much of a type a permission reaches: all of it, only what matches one of some constraints, or none. */
  public record Reach(boolean all, List<Map<String, String>> constraints) {
    static final Reach NONE = new Reach(false, List.of());

    public boolean none() {
      return !all && constraints.isEmpty();
    }

    /** Some of the type, not all: only resources matching one of {@link #constraints}. */
    public boolean limited() {
      return !all && !constraints.isEmpty();
    }
  }

  private final List<Grant> grants;
  private final boolean administrator;

  private Rights(List<Grant> grants, boolean administrator) {
    this.grants = List.copyOf(grants);
    this.administrator = administrator;
  }

  public static Rights of(Caller caller) {
    List<Grant> grants = new ArrayList<>();
    boolean administrator = caller.hasRole(Role.ADMINISTRATOR.title());
    if (administrator) {
      grants.add(new Grant(null, "*", EnumSet.allOf(Permission.class), Map.of()));
    }
    if (caller.hasRole(Role.READER.title())) {
      grants.add(new Grant(null, "*", READER, Map.of()));
    }
    if (caller.hasRole(Role.WRITER.title())) {
      grants.add(new Grant(null, "*", WRITER, Map.of()));
    }
    for (String text : caller.scopes()) {
      Scope.parse(text).ifPresent(scope ->
          grants.add(new Grant(scope.context(), scope.type(), scope.permissions(), scope.constraints())));
    }
    return new Rights(grants, administrator);
  }

  public boolean isAdministrator() {
    return administrator;
  }

  /** Whether anything at all is granted. */
  public boolean any() {
    return !grants.isEmpty();
  }

  /** How much of {@code type} (or of every type, for {@code *}) {@code permission} reaches. */
  public Reach reach(Permission permission, String type) {
    List<Map<String, String>> constraints = new ArrayList<>();
    for (Grant grant : grants) {
      if (grant.covers(permission, type)) {
        if (grant.constraints().isEmpty()) {
          return new Reach(true, List.of());
        }
        constraints.add(grant.constraints());
      }
    }
    return constraints.isEmpty() ? Reach.NONE : new Reach(false, constraints);
  }

  /** Whether {@code permission} reaches all of {@code type}. */
  public boolean allows(Permission permission, String type) {
    return reach(permission, type).all();
  }

  /** Whether a {@code system/} scope grants {@code permission} on all of {@code type}: a backend service's right. */
  public boolean allowsSystem(Permission permission, String type) {
    return allowsIn(Scope.Context.SYSTEM, permission, type);
  }

  /**
   * Whether a {@code patient/} scope grants {@code permission} on all of {@code type}: a right within the patient in
   * context, to which isolation keeps the caller.
   */
  public boolean allowsInPatientContext(Permission permission, String type) {
    return allowsIn(Scope.Context.PATIENT, permission, type);
  }

  private boolean allowsIn(Scope.Context context, Permission permission, String type) {
    return grants.stream().anyMatch(grant -> grant.context() == context && grant.constraints().isEmpty()
        && grant.covers(permission, type));
  }
}
