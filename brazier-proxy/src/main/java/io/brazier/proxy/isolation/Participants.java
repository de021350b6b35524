package io.brazier.proxy.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.proxy.access.Role;
import io.brazier.proxy.access.Scope;
import io.brazier.server.Caller;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.IdType;

/**
 * Who a caller is in FHIR terms and, for a caller in a patient context or a participant role, whose data it sees: a
 * patient its own; a Practitioner the patients whose {@code generalPractitioner} it is or whose encounters it takes
 * part in; a RelatedPerson its {@code patient}. What it reads to decide is kept until a Patient, Encounter or
 * RelatedPerson changes (see {@link FollowedCache}).
 */
final class Participants {
  private static final Set<String> PARTICIPANT_ROLES =
      Set.of(Role.PATIENT.title(), Role.PRACTITIONER.title(), Role.RELATED_PERSON.title());

  private final Lookup search;
  private final IdentityLinks links;
  private final FollowedCache<String, Set<String>> practitioners;
  private final FollowedCache<String, Set<String>> relatedPersons;

  Participants(Lookup search, IdentityLinks links, Duration maxAge, Clock clock) {
    this.search = search;
    this.links = links;
    this.practitioners = new FollowedCache<>(Set.of("Patient", "Encounter"), maxAge, clock);
    this.relatedPersons = new FollowedCache<>(Set.of("RelatedPerson"), maxAge, clock);
  }

  void changed(Set<String> types) {
    practitioners.changed(types);
    relatedPersons.changed(types);
  }

  /** The caller's own resource ({@code Practitioner/12}): its token's fhirUser, else a link's; null for neither. */
  String identity(Caller caller) {
    String claimed = caller.fhirUser() == null ? null : local(caller.fhirUser());
    return claimed != null ? claimed : links.resourceOf(caller);
  }

  /** Whether the caller sees patients' data only as their participant: a participant role or a patient scope. */
  static boolean confined(Caller caller) {
    return caller.roles().stream().anyMatch(PARTICIPANT_ROLES::contains)
        || caller.scopes().stream().anyMatch(scope -> Scope.parse(scope)
            .filter(parsed -> parsed.context() == Scope.Context.PATIENT).isPresent());
  }

  /**
   * The patients whose compartments a confined caller sees: the patient in context, else those of its identity;
   * none for a caller with neither.
   */
  Set<String> patients(Caller caller, String identity) {
    if (caller.patient() != null) {
      return Set.of(caller.patient());
    }
    if (identity == null) {
      return Set.of();
    }
    IdType id = new IdType(identity);
    return switch (id.getResourceType()) {
      case "Patient" -> Set.of(id.getIdPart());
      case "Practitioner" -> practitioners.get(id.getIdPart(), this::patientsOfPractitioner);
      case "RelatedPerson" -> relatedPersons.get(id.getIdPart(), this::patientOfRelatedPerson);
      default -> Set.of();
    };
  }

  private Set<String> patientsOfPractitioner(String practitioner) {
    String reference = encode("Practitioner/" + practitioner);
    Set<String> patients = new HashSet<>();
    for (String url : List.of("Patient?general-practitioner=" + reference + "&_count=1000",
        "Patient?_has:Encounter:patient:participant=" + reference + "&_count=1000")) {
      search.all(url).forEach(patient -> patients.add(patient.path("id").asText()));
    }
    return Set.copyOf(patients);
  }

  private Set<String> patientOfRelatedPerson(String relatedPerson) {
    Set<String> patients = new HashSet<>();
    for (JsonNode person : search.all("RelatedPerson?_id=" + encode(relatedPerson))) {
      String patient = local(person.path("patient").path("reference").asText(""));
      if (patient != null && patient.startsWith("Patient/")) {
        patients.add(patient.substring("Patient/".length()));
      }
    }
    return Set.copyOf(patients);
  }

  /** {@code Type/id} of a reference, relative or absolute, versioned or not; null for another kind. */
  static String local(String reference) {
    IdType id = new IdType(reference);
    return id.hasResourceType() && id.hasIdPart() ? id.getResourceType() + "/" + id.getIdPart() : null;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
