package io.brazier.proxy.access;

import io.brazier.server.FhirRequest;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The rights each operation needs. Bulk and maintenance operations ($export, $import, $reindex, $bulk-delete,
 * $bulk-update, which searches what it patches) belong to backend services ({@code system/} scopes) and
 * administrators, but for an export at Patient or Group level a {@code patient/} scope to read the types will do
 * (patient isolation keeps it to the patient in context); an operation not named here is for administrators only,
 * so that an operation added to the server is closed until someone decides who may use it.
 */
final class OperationRights {
  private OperationRights() {}

  static void check(FhirRequest request, Rights rights) {
    String name = request.operation();
    boolean allowed = rights.isAdministrator() || switch (name) {
      case "$validate" -> validate(request, rights);
      case "$versions" -> rights.any(); // it reads nothing stored, as metadata
      case "$member-match" -> Stream.of("Patient", "Coverage")
          .allMatch(type -> rights.allows(Permission.READ, type) && rights.allows(Permission.SEARCH, type));
      case "$docref" -> rights.allows(Permission.READ, "DocumentReference") // a search of the patient's documents
          && rights.allows(Permission.SEARCH, "DocumentReference");
      // GET lists the search parameters; PUT and POST disable or enable them for everyone: Administrators only.
      case "$status" -> List.of("GET", "HEAD").contains(request.method())
          && rights.allows(Permission.READ, "SearchParameter");
      // Stores nothing, but makes resources of any type to load: the right a Writer has, and system/*.write.
      case "$convert-data" -> rights.allows(Permission.CREATE, "*");
      case "$meta" -> meta(request, rights);
      case "$meta-add", "$meta-delete" -> rights.allows(Permission.UPDATE, type(request));
      case "$expand", "$lookup", "$validate-code", "$translate" -> rights.allows(Permission.READ, type(request));
      case "$everything", "$changes" -> rights.allows(Permission.READ, "*") && rights.allows(Permission.SEARCH, "*");
      case "$export" -> exportedTypes(request).stream().allMatch(type -> rights.allowsSystem(Permission.READ, type)
          || !isSystem(request) && rights.allowsInPatientContext(Permission.READ, type));
      case "$import" -> rights.allowsSystem(Permission.CREATE, "*") && rights.allowsSystem(Permission.UPDATE, "*");
      case "$reindex" -> rights.allowsSystem(Permission.UPDATE, type(request));
      case "$bulk-update" -> rights.allowsSystem(Permission.UPDATE, type(request))
          && rights.allowsSystem(Permission.SEARCH, type(request));
      case "$bulk-delete" -> !purgesHistory(request) && rights.allowsSystem(Permission.DELETE, type(request));
      // $bulk-delete-soft-deleted purges history, as a hard delete does: Administrators only, by the default.
      default -> false;
    };
    if (!allowed) {
      throw AccessRules.forbidden("invoke " + name + where(request));
    }
  }

  /**
   * Validating a resource one sends reads nothing stored: any right will do. Validating a stored one reads it.
   */
  private static boolean validate(FhirRequest request, Rights rights) {
    return isInstance(request) ? rights.allows(Permission.READ, request.type()) : rights.any();
  }

  /**
   * The meta of a resource, or of one of its versions, is read as the resource is; the tags, profiles and security
   * labels in use by a type, or by every type, are found across its resources, as a search finds them.
   */
  private static boolean meta(FhirRequest request, Rights rights) {
    String type = type(request);
    return rights.allows(Permission.READ, type)
        && (isInstance(request) || request.segments().size() == 5 || rights.allows(Permission.SEARCH, type));
  }

  /**
   * Whether a bulk delete purges history ({@code _hardDelete}, or {@code hardDelete} as the server takes it too, or
   * {@code _purgeHistory}): nothing brings it back, so, as Microsoft's server asks a right of its own, only
   * Administrators may. Any value but false counts (the server refuses what is neither true nor false).
   */
  private static boolean purgesHistory(FhirRequest request) {
    return Stream.of("_hardDelete", "hardDelete", "_purgeHistory").map(request::param)
        .anyMatch(value -> value != null && !value.equals("false"));
  }

  private static boolean isSystem(FhirRequest request) {
    return request.segments().size() == 1;
  }

  /**
   * The types an export reaches: those of every {@code _type} (repeated or comma separated), or every type. A POST
   * may name more in its Parameters body, which a proxy forwards unread: it reaches every type.
   */
  private static List<String> exportedTypes(FhirRequest request) {
    List<String> types = request.query().getOrDefault("_type", List.of()).stream()
        .flatMap(value -> Arrays.stream(value.split(","))).map(String::trim).filter(type -> !type.isEmpty())
        .toList();
    return types.isEmpty() || request.method().equals("POST") ? List.of("*") : types;
  }

  /** The type of a type or instance level operation; {@code *} at system level. */
  private static String type(FhirRequest request) {
    return request.segments().size() > 1 ? request.type() : "*";
  }

  private static boolean isInstance(FhirRequest request) {
    return request.segments().size() == 3;
  }

  private static String where(FhirRequest request) {
    return request.segments().size() > 1 ? " on " + request.type() : "";
  }
}
