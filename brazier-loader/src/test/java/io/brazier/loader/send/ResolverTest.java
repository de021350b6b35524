package io.brazier.loader.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.FhirReply;
import io.brazier.client.HttpFhirClient;
import io.brazier.loader.LoaderConfig;
import io.brazier.server.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Practitioner;
import org.junit.jupiter.api.Test;

/** Conditional references resolved before sending, against a real Brazier. */
class ResolverTest {
  private static final String DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";

  private final TestServer server = TestServer.shared();
  private final Resolver resolver = new Resolver(new Sender(new HttpFhirClient(URI.create(server.baseUrl()),
      Optional.empty(), Duration.ofSeconds(60)), LoaderConfig.defaults()), false);

  @Test
  void onlyATypeFollowedByAQueryIsAConditionalReference() {
    assertThat(List.of("Practitioner?identifier=urn:npi|1", "Patient?", "Patient?name=Zoë"))
        .allMatch(Resolver::isConditional);
    assertThat(List.of("Practitioner/1", "practitioner?identifier=1", "?identifier=1", "urn:uuid:1?x",
        "https://fhir.example/Practitioner?identifier=1", "#p1", "")).noneMatch(Resolver::isConditional);
  }

  @Test
  void aPlaceholderCarriesTheOneIdentifierItsSearchNamesDecoded() {
    ObjectNode placeholder = Resolver.placeholder("Practitioner?identifier="
        + URLEncoder.encode("http://hl7.org/fhir/sid/us-npi|Müller 7", StandardCharsets.UTF_8));
    ObjectNode noSystem = Resolver.placeholder("Device?identifier=serial-1");

    assertThat(placeholder.path("resourceType").asText()).isEqualTo("Practitioner");
    assertThat(placeholder.at("/identifier/0/system").asText()).isEqualTo("http://hl7.org/fhir/sid/us-npi");
    assertThat(placeholder.at("/identifier/0/value").asText()).isEqualTo("Müller 7");
    assertThat(placeholder.at("/meta/tag/0/code").asText()).isEqualTo(Resolver.PLACEHOLDER_TAG);
    assertThat(noSystem.at("/identifier/0/system").isMissingNode()).isTrue();
    assertThat(noSystem.at("/identifier/0/value").asText()).isEqualTo("serial-1");
  }

  @Test
  void aRefusedOrShortBatchOfSearchesIsNamedInPlainEnglish() {
    FhirReply refused = new FhirReply(500, Map.of(), "down".getBytes(StandardCharsets.UTF_8));
    FhirReply short_ = new FhirReply(200, Map.of(), "{\"resourceType\":\"Bundle\",\"entry\":[{}]}"
        .getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> Resolver.answers(refused, 2, "searches"))
        .hasMessageStartingWith("The FHIR server refused the batch of searches for conditional references");
    assertThatThrownBy(() -> Resolver.answers(short_, 2, "placeholders"))
        .hasMessage("The FHIR server answered the batch of placeholders with 1 entries instead of 2.");
  }

  @Test
  void aSearchOnAnythingButOneIdentifierGetsNoPlaceholder() {
    assertThat(Resolver.placeholder("Practitioner?name=Smith")).isNull();
    assertThat(Resolver.placeholder("Practitioner?identifier=urn:npi|1&active=true")).isNull();
    assertThat(Resolver.placeholder("Practitioner?identifier=urn:npi|1,urn:npi|2")).isNull();
    assertThat(Resolver.placeholder("Practitioner?identifier=")).isNull();
  }

  @Test
  void aReferenceWrittenPercentEncodedFindsTheResourceItNames() throws Exception {
    String value = "enc " + UUID.randomUUID();
    String id = practitioner("urn:oid:2.16.840.1.113883.4.6", value);
    String reference = "Practitioner?identifier=" + URLEncoder.encode("urn:oid:2.16.840.1.113883.4.6|" + value,
        StandardCharsets.UTF_8);
    Answers answers = new Answers();

    List<Item> sendable = resolver.sendable(List.of(observationBy(0, reference)), answers);

    assertThat(sendable).hasSize(1);
    assertThat(sendable.get(0).resource().at("/performer/0/reference").asText()).isEqualTo("Practitioner/" + id);
    assertThat(answers.failed()).isZero();
  }

  @Test
  void entriesSharingAReferenceAllFollowTheOnePlaceholderMadeForIt() throws Exception {
    String npi = "shared-" + UUID.randomUUID();
    String reference = "Practitioner?identifier=urn:npi|" + npi;

    List<Item> sendable = resolver.sendable(List.of(observationBy(0, reference), observationBy(1, reference)),
        new Answers());

    assertThat(sendable).extracting(item -> item.resource().at("/performer/0/reference").asText())
        .containsOnly(sendable.get(0).resource().at("/performer/0/reference").asText())
        .allMatch(resolved -> resolved.startsWith("Practitioner/"));
    Bundle made = server.client().search().forResource(Practitioner.class)
        .where(Practitioner.IDENTIFIER.exactly().systemAndCode("urn:npi", npi)).returnBundle(Bundle.class).execute();
    assertThat(made.getEntry()).hasSize(1);
  }

  @Test
  void aPlaceholderOfATypeWithRequiredElementsSaysEachIsAbsentForAnUnknownReason() throws Exception {
    String reference = "Encounter?identifier=urn:visit|" + UUID.randomUUID();
    Item item = observationBy(0, "Practitioner/whatever");
    item.resource().putObject("encounter").put("reference", reference);
    Answers answers = new Answers();

    List<Item> sendable = resolver.sendable(List.of(item), answers);

    assertThat(answers.failed()).as("%s", answers.unanswered()).isZero();
    String made = sendable.get(0).resource().at("/encounter/reference").asText();
    Encounter placeholder = server.client().read().resource(Encounter.class).withUrl(made).execute();
    assertThat(placeholder.getStatusElement().getValue()).isNull();
    assertThat(placeholder.getStatusElement().getExtensionByUrl(DATA_ABSENT_REASON).getValue().primitiveValue())
        .isEqualTo("unknown");
    assertThat(placeholder.getClass_().getExtensionByUrl(DATA_ABSENT_REASON).getValue().primitiveValue())
        .isEqualTo("unknown");
    assertThat(placeholder.getMeta().getTag(Resolver.PLACEHOLDER_TAG_SYSTEM, Resolver.PLACEHOLDER_TAG)).isNotNull();
  }

  @Test
  void anUnmatchedReferenceThatNoPlaceholderCanStandForFailsOnlyItsEntrySayingWhatToDo() throws Exception {
    String unmatched = "Practitioner?identifier=urn:npi|" + UUID.randomUUID() + "&active=true";
    Item plain = observationBy(0, "Practitioner/whatever");
    Answers answers = new Answers();

    List<Item> sendable = resolver.sendable(List.of(plain, observationBy(1, unmatched)), answers);

    assertThat(sendable).containsExactly(plain);
    assertThat(answers.failed()).isEqualTo(1);
    JsonNode failure = answers.unanswered().get(0);
    assertThat(failure.path("index").asInt()).isEqualTo(1);
    assertThat(failure.at("/response/status").asText()).startsWith("400");
    assertThat(failure.at("/response/outcome/issue/0/diagnostics").asText())
        .contains(unmatched, "single identifier=system|value", "load the resource first");
  }

  @Test
  void aMisspeltParameterFailsItsEntryRatherThanWideningTheMatchToAnyResource() throws Exception {
    practitioner("urn:npi", "misspelt-" + UUID.randomUUID());
    practitioner("urn:npi", "misspelt-" + UUID.randomUUID());
    String misspelt = "Practitioner?identifer=urn:npi|" + UUID.randomUUID();
    Answers answers = new Answers();

    List<Item> sendable = resolver.sendable(List.of(observationBy(0, misspelt)), answers);

    assertThat(sendable).isEmpty();
    assertThat(answers.unanswered().get(0).at("/response/status").asText()).startsWith("400");
    assertThat(answers.reason()).contains(misspelt, "failed with status 400");
  }

  private String practitioner(String system, String value) {
    return server.client().create().resource(new Practitioner().addIdentifier(new Identifier().setSystem(system)
        .setValue(value))).execute().getId().getIdPart();
  }

  private static Item observationBy(int index, String performer) {
    ObjectNode entry = Json.object();
    ObjectNode observation = entry.putObject("resource").put("resourceType", "Observation").put("status", "final");
    observation.putObject("code").put("text", "x");
    observation.putArray("performer").addObject().put("reference", performer);
    entry.putObject("request").put("method", "POST").put("url", "Observation");
    return new Item(index, entry);
  }
}
