package io.brazier.loader.send;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import org.junit.jupiter.api.Test;

/** A bundle entry to send: what it writes, read from its request, and nothing when the entry lacks a part. */
class ItemTest {
  private static final ObjectMapper JSON = Jackson.MAPPER;

  @Test
  void aPutToTypeAndIdWritesThatResource() {
    assertThat(item("PUT", "Patient/p-1").writes()).isEqualTo("Patient/p-1");
  }

  @Test
  void aConditionalPutAPostOrADeleteWritesNoKnownResource() {
    assertThat(item("PUT", "Patient?identifier=http://example.org|1").writes()).isNull();
    assertThat(item("POST", "Patient").writes()).isNull();
    assertThat(item("DELETE", "Patient/p-1").writes()).isNull();
    assertThat(item("PUT", "Patient").writes()).isNull();
  }

  @Test
  void anEntryWithoutRequestOrResourceHasNone() throws Exception {
    Item bare = new Item(7, (ObjectNode) JSON.readTree("{\"fullUrl\":\"urn:uuid:1\"}"));

    assertThat(bare.resource()).isNull();
    assertThat(bare.request()).isNull();
    assertThat(bare.method()).isEmpty();
    assertThat(bare.url()).isEmpty();
    assertThat(bare.writes()).isNull();
    assertThat(bare.index()).isEqualTo(7);
  }

  @Test
  void theResourceAndRequestAreTheEntrysOwnNodes() {
    Item item = item("PUT", "Patient/p-1");

    assertThat(item.resource().path("id").asText()).isEqualTo("p-1");
    assertThat(item.request().path("method").asText()).isEqualTo("PUT");
  }

  private static Item item(String method, String url) {
    ObjectNode entry = JSON.createObjectNode();
    entry.putObject("resource").put("resourceType", "Patient").put("id", "p-1");
    entry.putObject("request").put("method", method).put("url", url);
    return new Item(0, entry);
  }
}
