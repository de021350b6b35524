package io.brazier.proxy.access;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SMART clinical scope: {@code patient/Observation.rs}, {@code system/*.read}, the v2 granular
 * {@code patient/Observation.rs?category=laboratory}, or Microsoft Entra's dotted form of the same
 * ({@code system.Observation.read}, as Entra cannot name scopes with a slash).
 * https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 *
 * @param type a resource type, or {@code *} for all of them
 * @param constraints the search parameters a granular scope limits its resources to (each value as written,
 *     commas included); empty for a scope over the whole type
 */
public record Scope(Context context, String type, Set<Permission> permissions, Map<String, String> constraints) {

  /** Whose data a scope reaches: the patient in context, what the user may see, or what the client system may. */
  public enum Context { PATIENT, USER, SYSTEM }

  private static final Pattern FORM =
      Pattern.compile("(patient|user|system)[/.]([A-Z][A-Za-z]*|\\*)\\.([a-z*]+)(?:\\?(.*))?");

  public Scope {
    permissions = Set.copyOf(permissions);
    constraints = Map.copyOf(constraints);
  }

  /** The scope a token's scope string stands for; empty for scopes that are not clinical (openid, launch). */
  public static Optional<Scope> parse(String text) {
    Matcher matcher = FORM.matcher(text);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    Set<Permission> permissions = Permission.parse(matcher.group(3));
    if (permissions == null) {
      return Optional.empty();
    }
    Context context = Context.valueOf(matcher.group(1).toUpperCase(Locale.ROOT));
    return constraints(matcher.group(4))
        .map(constraints -> new Scope(context, matcher.group(2), permissions, constraints));
  }

  /**
   * The constraints of a granular scope; empty when one cannot be read as it was meant (no value, a parameter
   * twice, a bad escape): such a scope grants nothing, never the whole type.
   */
  private static Optional<Map<String, String>> constraints(String query) {
    Map<String, String> constraints = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return Optional.of(constraints);
    }
    try {
      for (String pair : query.split("&", -1)) {
        int equals = pair.indexOf('=');
        if (equals < 1 || constraints.put(decode(pair.substring(0, equals)), decode(pair.substring(equals + 1)))
            != null) {
          return Optional.empty();
        }
      }
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return Optional.of(constraints);
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  /** Whether this scope names {@code type} (itself or through {@code *}). */
  public boolean covers(String resourceType) {
    return type.equals("*") || type.equals(resourceType);
  }

  /**
   * Whether everything {@code narrower} grants, this grants too: the same context, this type or all, these
   * permissions or more, and no constraint narrower's lacks.
   */
  public boolean includes(Scope narrower) {
    return context == narrower.context && (type.equals("*") || type.equals(narrower.type))
        && permissions.containsAll(narrower.permissions)
        && narrower.constraints.entrySet().containsAll(constraints.entrySet());
  }
}
