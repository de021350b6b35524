package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.Format;
import io.brazier.store.ResourceVersion;
import io.brazier.store.TestStore;
import io.brazier.store.search.SearchSql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * Versions that have no index rows (those in history) are searched on the values extracted from their JSON, by the
 * very SQL of a search: they match exactly when they would on rows of their own.
 */
class PastCriteriaTest {
  private final TestStore test = TestStore.shared();
  private final DataSource dataSource = test.database().dataSource();
  private final TypeKeys types = new TypeKeys(dataSource, test.fhir().resourceTypes());
  private final Map<Long, ResourceVersion> versions = new LinkedHashMap<>();

  @Test
  void aVersionMatchesOnTheValuesOfItsOwnJson() throws SQLException {
    index(patient("Reed", "female"));
    versions.put(1L, version(patient("Reed", "female")));
    versions.put(2L, version(patient("Moon", "female")));
    versions.put(3L, version(patient("Reed", "male")));

    assertThat(matching("Patient", "family=reed")).containsExactlyInAnyOrder(1L, 3L);
    assertThat(matching("Patient", "family=reed&gender=female")).containsExactly(1L);
    assertThat(matching("Patient", "family:exact=Moon")).containsExactly(2L);
    assertThat(matching("Patient", "family:exact=moon")).as("exact is case-sensitive").isEmpty();
  }

  @Test
  void missingValuesAreThoseTheVersionLacks() throws SQLException {
    index(patient("Reed", "female"));
    versions.put(1L, version(patient("Reed", "female")));
    versions.put(2L, version(new Patient().setActive(true)));

    assertThat(matching("Patient", "family:missing=true")).containsExactly(2L);
    assertThat(matching("Patient", "family:missing=false")).containsExactly(1L);
  }

  @Test
  void aDeletionOrAVersionOfAnotherTypeNeverMatches() throws SQLException {
    index(patient("Reed", "female"));
    versions.put(1L, version(patient("Reed", "female")));
    versions.put(2L, new ResourceVersion("Patient", "gone", 2, Instant.now(), true, null));
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    versions.put(3L, version(observation));

    assertThat(matching("Patient", "family=reed")).containsExactly(1L);
    assertThat(matching("Patient", "_id=gone")).isEmpty();
  }

  /**
   * The versions that match a query, decided by a node started now: it knows the keys of the parameters indexed so
   * far, as a scan's node does once the scan's own lookups have read the keys made since it started.
   */
  private Set<Long> matching(String type, String query) throws SQLException {
    ParamKeys params = new ParamKeys(dataSource, types);
    try (Connection connection = dataSource.getConnection()) {
      return new PastCriteria(types, params).matching(connection,
          new SearchSql(SearchReader.keys(types, params.lookup())), test.parse(type, query), versions, test.search());
    }
  }

  /** Saves a resource like it, so that its parameters have keys, as they do once any resource was indexed. */
  private void index(Resource resource) {
    test.save(resource.copy().setId((String) null));
  }

  private ResourceVersion version(Resource resource) {
    String id = resource.getIdElement().getIdPart() != null ? resource.getIdElement().getIdPart()
        : "past-" + versions.size();
    resource.setId(id);
    return new ResourceVersion(resource.fhirType(), id, 1, Instant.now(), false,
        test.fhir().encode(Format.JSON, resource, false));
  }

  private static Patient patient(String family, String gender) {
    Patient patient = new Patient();
    patient.addName().setFamily(family);
    patient.setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.fromCode(gender));
    return patient;
  }
}
