package io.brazier.proxy.token;

import io.brazier.proxy.access.Scope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The scopes a token gets: those asked for, each within a scope registered for the client ({@code system/*.rs}
 * covers {@code system/Observation.rs}); all registered ones when none is asked for. Asking for one outside them
 * is an {@code invalid_scope} naming it, rather than a token quietly narrower than the client expects.
 */
final class GrantedScopes {
  private GrantedScopes() {}

  static List<String> of(String requested, List<String> registered) {
    if (requested == null || requested.isBlank()) {
      return registered;
    }
    List<String> outside = new ArrayList<>();
    List<String> granted = new ArrayList<>();
    for (String asked : Arrays.asList(requested.trim().split("\\s+"))) {
      if (within(asked, registered)) {
        granted.add(asked);
      } else {
        outside.add(asked);
      }
    }
    if (!outside.isEmpty()) {
      throw OAuthError.invalidScope("The client may not have " + String.join(" ", outside) + "; its scopes are "
          + (registered.isEmpty() ? "none" : String.join(" ", registered)) + ".");
    }
    return granted;
  }

  private static boolean within(String asked, List<String> registered) {
    Optional<Scope> scope = Scope.parse(asked);
    if (scope.isEmpty()) {
      return false;
    }
    return registered.stream().map(Scope::parse).flatMap(Optional::stream)
        .anyMatch(allowed -> allowed.includes(scope.get()));
  }
}
