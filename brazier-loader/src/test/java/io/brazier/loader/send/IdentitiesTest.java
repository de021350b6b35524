package io.brazier.loader.send;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdentitiesTest {

  @Test
  void createsBecomePutsWithTheIdOfTheirFullUrlAndReferencesFollow() throws IOException {
    List<Item> items = items("""
        [{"fullUrl":"urn:uuid:3f2b6c1e-0000-4000-8000-000000000001","resource":{"resourceType":"Patient"},
          "request":{"method":"POST","url":"Patient"}},
         {"fullUrl":"http://other.example/fhir/Observation/obs-7","resource":{"resourceType":"Observation",
          "subject":{"reference":"urn:uuid:3f2b6c1e-0000-4000-8000-000000000001"}},
          "request":{"method":"POST","url":"Observation"}}]""");

    new Identities("digest").apply(items, false);

    assertThat(items.get(0).url()).isEqualTo("Patient/3f2b6c1e-0000-4000-8000-000000000001");
    assertThat(items.get(0).method()).isEqualTo("PUT");
    assertThat(items.get(0).resource().path("id").asText()).isEqualTo("3f2b6c1e-0000-4000-8000-000000000001");
    assertThat(items.get(1).url()).isEqualTo("Observation/obs-7");
    assertThat(items.get(1).resource().path("subject").path("reference").asText())
        .isEqualTo("Patient/3f2b6c1e-0000-4000-8000-000000000001");
  }

  @Test
  void withoutAUsableFullUrlTheIdComesFromTheFileAndTheEntrysPlaceSoASecondSendWritesTheSame() throws IOException {
    String bundle = """
        [{"resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}},
         {"fullUrl":"urn:uuid:not a valid id","resource":{"resourceType":"Patient"},
          "request":{"method":"POST","url":"Patient"}}]""";
    List<Item> once = items(bundle);
    List<Item> again = items(bundle);
    List<Item> otherFile = items(bundle);

    new Identities("file-a").apply(once, false);
    new Identities("file-a").apply(again, false);
    new Identities("file-b").apply(otherFile, false);

    assertThat(once.get(0).url()).isEqualTo(again.get(0).url()).isNotEqualTo(otherFile.get(0).url());
    assertThat(once.get(1).url()).isEqualTo(again.get(1).url()).isNotEqualTo(once.get(0).url());
  }

  @Test
  void aSecondEntryWithTheSameIdGetsAnotherAndReferencesKeepNamingTheFirst() throws IOException {
    List<Item> items = items("""
        [{"fullUrl":"urn:uuid:dup","resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}},
         {"fullUrl":"urn:uuid:dup","resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}},
         {"resource":{"resourceType":"Observation","subject":{"reference":"urn:uuid:dup"}},
          "request":{"method":"PUT","url":"Observation/o"}}]""");

    new Identities("d").apply(items, false);

    assertThat(items.get(0).url()).isEqualTo("Patient/dup");
    assertThat(items.get(1).url()).startsWith("Patient/").isNotEqualTo("Patient/dup");
    assertThat(items.get(2).resource().path("subject").path("reference").asText()).isEqualTo("Patient/dup");
  }

  @Test
  void conditionalCreatesStayInATransactionAndAreCollectedInABatch() throws IOException {
    String bundle = """
        [{"fullUrl":"urn:uuid:org","resource":{"resourceType":"Organization"},
          "request":{"method":"POST","url":"Organization","ifNoneExist":"identifier=x|1"}}]""";
    List<Item> transaction = items(bundle);
    List<Item> batch = items(bundle);
    Identities inTransaction = new Identities("d");
    Identities inBatch = new Identities("d");

    inTransaction.apply(transaction, false);
    inBatch.apply(batch, true);

    assertThat(transaction.get(0).method()).isEqualTo("POST");
    assertThat(inTransaction.conditionalCreates()).isEmpty();
    assertThat(inBatch.conditionalCreates()).containsExactly(batch.get(0));
  }

  @Test
  void idsComeFromUuidAndAbsoluteFullUrlsOnly() {
    assertThat(Identities.idOf("urn:uuid:abc-1", "Patient")).isEqualTo("abc-1");
    assertThat(Identities.idOf("https://x.example/fhir/Patient/p-2", "Patient")).isEqualTo("p-2");
    assertThat(Identities.idOf("https://x.example/fhir/Patient/p-2", "Observation")).isNull();
    assertThat(Identities.idOf("urn:oid:1.2.3", "Patient")).isNull();
    assertThat(Identities.idOf(null, "Patient")).isNull();
  }

  private static List<Item> items(String entries) throws IOException {
    var array = Json.MAPPER.readTree(entries);
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      items.add(new Item(i, (ObjectNode) array.get(i)));
    }
    return items;
  }
}
