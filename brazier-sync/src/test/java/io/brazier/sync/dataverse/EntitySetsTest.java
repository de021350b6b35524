package io.brazier.sync.dataverse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EntitySetsTest {

  @Test
  void anEntitySetIsItsTablesPluralAsDataverseNamesThem() {
    assertThat(EntitySets.of("contact")).isEqualTo("contacts");
    assertThat(EntitySets.of("msemr_appointmentemr")).isEqualTo("msemr_appointmentemrs");
    assertThat(EntitySets.of("msemr_address")).isEqualTo("msemr_addresses");
    assertThat(EntitySets.of("msemr_allergy")).isEqualTo("msemr_allergies");
    assertThat(EntitySets.of("msemr_day")).isEqualTo("msemr_days");
  }

  @Test
  void aFhirIdIsQuotedAsAnODataStringInTheAlternateKey() {
    var map = new io.brazier.sync.map.EntityMap("patient", "Patient", "contact", true, false, java.util.Set.of(),
        io.brazier.sync.map.EntityMap.OnDelete.DELETE, null, null, java.util.List.of());

    assertThat(EntitySets.byFhirId(map, "a'b")).isEqualTo("contacts(msemr_azurefhirid='a''b')");
  }
}
