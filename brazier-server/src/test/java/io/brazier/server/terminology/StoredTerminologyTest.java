package io.brazier.server.terminology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import io.brazier.server.TestServer;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.FilterOperator;
import org.junit.jupiter.api.Test;

/** Token :in, :not-in, :above and :below against terminology stored in the server. */
public class StoredTerminologyTest {
  private final IGenericClient client = TestServer.shared().client();
  private final String tag = UUID.randomUUID().toString();

  /** A CodeSystem animal > (mammal > dog, cat), (bird > parrot) and a ValueSet of mammals and parrots. */
  public static void store(IGenericClient client, String system, String valueSet) {
    CodeSystem animals = new CodeSystem().setUrl(system).setName("Animals").setStatus(PublicationStatus.ACTIVE)
        .setContent(CodeSystem.CodeSystemContentMode.COMPLETE);
    var animal = animals.addConcept().setCode("animal").setDisplay("Animal");
    var mammal = animal.addConcept().setCode("mammal").setDisplay("Mammal");
    mammal.addConcept().setCode("dog").setDisplay("Dog");
    mammal.addConcept().setCode("cat").setDisplay("Cat");
    animal.addConcept().setCode("bird").setDisplay("Bird").addConcept().setCode("parrot").setDisplay("Parrot");
    client.create().resource(animals).execute();
    ValueSet pets = new ValueSet().setUrl(valueSet).setStatus(PublicationStatus.ACTIVE);
    var include = pets.getCompose().addInclude().setSystem(system);
    include.addFilter().setProperty("concept").setOp(FilterOperator.ISA).setValue("mammal");
    pets.getCompose().addInclude().setSystem(system).addConcept().setCode("parrot");
    client.create().resource(pets).execute();
  }

  @Test
  void tokenModifiersUseStoredValueSetsAndCodeSystemHierarchies() {
    String system = "http://example.org/cs/animals-" + tag;
    String valueSet = "http://example.org/vs/pets-" + tag;
    store(client, system, valueSet);
    String dog = observe(system, "dog");
    String parrot = observe(system, "parrot");
    String bird = observe(system, "bird");

    assertThat(find("code:in=" + valueSet)).containsExactlyInAnyOrder(dog, parrot);
    assertThat(find("code:not-in=" + valueSet)).containsExactly(bird);
    assertThat(find("code:below=" + system + "|bird")).containsExactlyInAnyOrder(bird, parrot);
    assertThat(find("code:above=" + system + "|dog")).containsExactly(dog);
  }

  @Test
  void aValueSetTheServerDoesNotHoldIsA400() {
    assertThatThrownBy(() -> find("code:in=http://example.org/vs/unknown"))
        .isInstanceOf(InvalidRequestException.class);
  }

  private String observe(String system, String code) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().addCoding().setSystem(system).setCode(code);
    observation.getMeta().addTag("http://brazier.test/tag", tag, null);
    return client.create().resource(observation).execute().getId().getIdPart();
  }

  private List<String> find(String query) {
    Bundle bundle = client.search().byUrl("Observation?" + query + "&_tag=http://brazier.test/tag|" + tag)
        .returnBundle(Bundle.class).execute();
    return bundle.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
  }
}
