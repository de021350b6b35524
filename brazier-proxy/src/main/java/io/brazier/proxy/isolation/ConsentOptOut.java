package io.brazier.proxy.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.fhir.DateTimeRange;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Patients' opt-outs: active R4 Consents of the configured category whose provision is {@code deny}, in force now
 * (its {@code period}, when it has one), deny the actors of {@code provision.actor[].reference} (a Practitioner, an
 * Organization, a Patient...) the patient's data; a provision without actors denies everyone. The consents are read
 * once and kept until a Consent changes, at most {@code maxAge}; a practitioner's organizations (through
 * PractitionerRole) until a PractitionerRole changes.
 */
final class ConsentOptOut {
  private static final Logger log = LoggerFactory.getLogger(ConsentOptOut.class);

  /** One deny provision: whose data, from whom (none: everyone), and when. */
  record Denial(String patient, Set<String> actors, DateTimeRange period) {
    boolean deniesAt(Set<String> callerActors, Instant now) {
      boolean inForce = (period.start() == null || !now.isBefore(period.start()))
          && (period.end() == null || now.isBefore(period.end()));
      return inForce && (actors.isEmpty() || actors.stream().anyMatch(callerActors::contains));
    }
  }

  private final Lookup search;
  private final String category;
  private final Clock clock;
  private final FollowedCache<String, List<Denial>> denials;
  private final FollowedCache<String, Set<String>> organizations;

  /** @param category the Consent category of opt-outs, {@code system|code} */
  ConsentOptOut(Lookup search, String category, Duration maxAge, Clock clock) {
    this.search = search;
    this.category = category;
    this.clock = clock;
    this.denials = new FollowedCache<>(Set.of("Consent"), maxAge, clock);
    this.organizations = new FollowedCache<>(Set.of("PractitionerRole"), maxAge, clock);
  }

  void changed(Set<String> types) {
    denials.changed(types);
    organizations.changed(types);
  }

  /** The patients whose opt-outs deny a caller that is {@code identity} ({@code Practitioner/12}, or null). */
  Set<String> denying(String identity) {
    List<Denial> all = denials.get(category, this::read);
    if (all.isEmpty()) {
      return Set.of();
    }
    Set<String> actors = actors(identity);
    Instant now = clock.instant();
    Set<String> patients = new HashSet<>();
    for (Denial denial : all) {
      if (denial.deniesAt(actors, now)) {
        patients.add(denial.patient());
      }
    }
    return patients;
  }

  /** What a consent may name for the caller: its own resource, and a practitioner's organizations. */
  private Set<String> actors(String identity) {
    if (identity == null) {
      return Set.of();
    }
    Set<String> actors = new HashSet<>();
    actors.add(identity);
    if (identity.startsWith("Practitioner/")) {
      actors.addAll(organizations.get(identity, this::organizationsOf));
    }
    return actors;
  }

  private Set<String> organizationsOf(String practitioner) {
    Set<String> found = new HashSet<>();
    for (JsonNode role : search.all("PractitionerRole?practitioner=" + encode(practitioner) + "&_count=1000")) {
      String organization = Participants.local(role.path("organization").path("reference").asText(""));
      if (organization != null) {
        found.add(organization);
      }
    }
    return Set.copyOf(found);
  }

  private List<Denial> read(String category) {
    List<Denial> found = new ArrayList<>();
    for (JsonNode consent : search.all("Consent?status=active&category=" + encode(category) + "&_count=1000")) {
      Denial denial = denial(consent);
      if (denial != null) {
        found.add(denial);
      }
    }
    return List.copyOf(found);
  }

  /** The deny provision of a consent; null when it permits, or names no patient, or says nothing readable. */
  static Denial denial(JsonNode consent) {
    JsonNode provision = consent.path("provision");
    String patient = Participants.local(consent.path("patient").path("reference").asText(""));
    if (!"deny".equals(provision.path("type").asText()) || patient == null || !patient.startsWith("Patient/")) {
      return null;
    }
    Set<String> actors = new HashSet<>();
    for (JsonNode actor : provision.path("actor")) {
      String reference = Participants.local(actor.path("reference").path("reference").asText(""));
      if (reference != null) {
        actors.add(reference);
      }
    }
    if (actors.isEmpty() && provision.path("actor").size() > 0) {
      // Actors named only by identifier or display: deny everyone rather than no one.
      log.warn("A deny Consent names actors that are no local references; it denies everyone consent={}",
          consent.path("id").asText());
    }
    // Stored Consents passed the parser, so their period holds FHIR dateTimes.
    return new Denial(patient.substring("Patient/".length()), Set.copyOf(actors), period(provision.path("period")));
  }

  private static DateTimeRange period(JsonNode period) {
    Instant start = period.hasNonNull("start") ? DateTimeRange.parse(period.get("start").asText()).start() : null;
    Instant end = period.hasNonNull("end") ? DateTimeRange.parse(period.get("end").asText()).end() : null;
    return new DateTimeRange(start, end);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
