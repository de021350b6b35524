package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.TestServer;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Organization;
import org.junit.jupiter.api.Test;

class SearchSystemTest {
  private final IGenericClient client = TestServer.shared().client();

  @Test
  void aSystemSearchFindsEveryTypeByCommonParametersAndTypeNarrowsIt() {
    String tag = UUID.randomUUID().toString();
    var patient = SearchTypeTest.patient("System", "A");
    patient.getMeta().addTag("http://brazier.test/tag", tag, null);
    String p = client.create().resource(patient).execute().getId().toUnqualifiedVersionless().getValue();
    Organization organization = new Organization().setName("System Org");
    organization.getMeta().addTag("http://brazier.test/tag", tag, null);
    String o = client.create().resource(organization).execute().getId().toUnqualifiedVersionless().getValue();

    Bundle all = client.search().byUrl(TestServer.shared().baseUrl() + "?_tag=http://brazier.test/tag|" + tag).returnBundle(Bundle.class).execute();
    Bundle organizations = client.search().byUrl(TestServer.shared().baseUrl() + "?_type=Organization&_tag=http://brazier.test/tag|" + tag)
        .returnBundle(Bundle.class).execute();

    assertThat(all.getEntry()).extracting(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue())
        .containsExactlyInAnyOrder(p, o);
    assertThat(organizations.getEntry()).extracting(e -> e.getResource().getIdElement()
        .toUnqualifiedVersionless().getValue()).containsExactly(o);
  }
}
