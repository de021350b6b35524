package io.brazier.server.operation;

import static io.brazier.server.operation.FolderImports.line;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

/**
 * How one line of an import is read: the message of each way a line is not a resource of its input, or has an id or
 * meta an import cannot keep (or no id), word for word, and the bytes a good line is stored as.
 */
class ImportLinesTest {
  private static final FolderImports imports = FolderImports.shared();

  private final String run = UUID.randomUUID().toString().substring(0, 8);

  @Test
  void eachLineThatIsNoResourceOfItsInputSaysWhatItIsInstead() {
    String url = file("NotPatients.ndjson", patient("good", ""),
        "{\"name\":[{\"family\":\"" + run + "\"}]}",
        "{\"resourceType\":5}",
        "{\"resourceType\":\"\"}",
        "{\"resourceType\":\"Patients\"}",
        "\"Patient\"",
        "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"code\":\"AMB\"}}",
        "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/x\"}}");

    JsonNode manifest = imports.run("Patient", url);

    assertThat(Importer.count(manifest, url)).isEqualTo(1);
    String notAResource = ": The line is not a FHIR resource: a JSON object with a resourceType.";
    assertThat(imports.diagnostics(manifest, url)).containsExactly(
        line(2, url) + notAResource,
        line(3, url) + notAResource,
        line(4, url) + ": The line has resourceType '', which is no resource type.",
        line(5, url) + ": The line has resourceType 'Patients', which is no resource type.",
        line(6, url) + notAResource,
        line(7, url) + ": The line is an Encounter, but its input holds Patient.",
        line(8, url) + ": The line is a Condition, but its input holds Patient.");
  }

  /**
   * A line without an id fails, as Microsoft's import fails it and as an update without one is a 400: an id made
   * for it would be another at each import, so importing the input twice would make its resource twice.
   */
  @Test
  void anIdThatIsNoFhirIdFailsItsLineAndSoDoesALineWithoutAnId() {
    String url = file("Ids.ndjson",
        "{\"resourceType\":\"Patient\",\"id\":5}",
        "{\"resourceType\":\"Patient\",\"id\":\"\"}",
        "{\"resourceType\":\"Patient\",\"id\":\"a_b\"}",
        "{\"resourceType\":\"Patient\",\"id\":\"" + "x".repeat(65) + "\"}",
        "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + run + "\"}]}",
        "{\"resourceType\":\"Patient\",\"id\":null,\"name\":[{\"family\":\"" + run + "\"}]}");

    JsonNode manifest = imports.run("Patient", url);

    String rule = " is not a valid FHIR id (1-64 of A-Z a-z 0-9 - .).";
    String none = ": The line has no id: an imported resource keeps its id, so that importing a line again finds the"
        + " resource it made (an id made for it would make another).";
    assertThat(imports.diagnostics(manifest, url)).containsExactly(
        line(1, url) + ": '5'" + rule,
        line(2, url) + ": ''" + rule,
        line(3, url) + ": 'a_b'" + rule,
        line(4, url) + ": '" + "x".repeat(65) + "'" + rule,
        line(5, url) + none,
        line(6, url) + none);
    assertThat(Importer.count(manifest, url)).isZero();
    assertThat(searchIds("Patient?family=" + run)).isEmpty();
  }

  @Test
  void aVersionOrLastUpdatedAnImportCannotKeepFailsItsLineSayingWhatItMustBe() {
    String url = file("Metas.ndjson",
        patient("v0", "\"meta\":{\"versionId\":\"0\"},"),
        patient("vMinus", "\"meta\":{\"versionId\":\"-1\"},"),
        patient("vHalf", "\"meta\":{\"versionId\":\"1.5\"},"),
        patient("vHuge", "\"meta\":{\"versionId\":\"99999999999\"},"),
        patient("vNumber", "\"meta\":{\"versionId\":2},"),
        patient("uWord", "\"meta\":{\"lastUpdated\":\"yesterday\"},"),
        patient("uNumber", "\"meta\":{\"lastUpdated\":1577836800},"),
        patient("uDay", "\"meta\":{\"lastUpdated\":\"2020-01-01\"},"),
        patient("uToCome", "\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2999-01-01T00:00:00Z\"},"),
        patient("kept", "\"meta\":{\"versionId\":\"3\",\"lastUpdated\":\"2020-01-01T00:00:00Z\"},"));

    JsonNode manifest = imports.run("Patient", url);

    String version = ": meta.versionId of an imported resource is a whole number from 1, not ";
    String updated = ": meta.lastUpdated of an imported resource is a FHIR instant, not ";
    assertThat(imports.diagnostics(manifest, url)).containsExactly(
        line(1, url) + version + "'0'.",
        line(2, url) + version + "'-1'.",
        line(3, url) + version + "'1.5'.",
        line(4, url) + version + "'99999999999'.",
        line(5, url) + ": meta.versionId of an imported resource is a string, not the number 2.",
        line(6, url) + updated + "'yesterday'.",
        line(7, url) + ": meta.lastUpdated of an imported resource is a string, not the number 1577836800.",
        line(8, url) + updated + "'2020-01-01'.",
        line(9, url) + ": meta.lastUpdated of an imported resource is no later than now, not"
            + " '2999-01-01T00:00:00Z'.");
    assertThat(Importer.count(manifest, url)).isEqualTo(1);
    var kept = imports.server().http().get("/fhir/Patient/" + run + "-kept");
    assertThat(kept.body()).as("as given")
        .contains("\"meta\":{\"versionId\":\"3\",\"lastUpdated\":\"2020-01-01T00:00:00Z\"}");
  }

  @Test
  void aLineOfMoreSearchIndexEntriesThanTheMostFailsAloneNamingTheFlag() {
    String names = IntStream.range(0, FolderImports.MAX_INDEX_ENTRIES).mapToObj(n -> "\"g" + n + "\"")
        .collect(Collectors.joining(","));
    String url = file("Entries.ndjson", patient("before", ""),
        "{\"resourceType\":\"Patient\",\"id\":\"" + run + "-many\",\"name\":[{\"given\":[" + names + "]}]}",
        patient("after", ""));

    JsonNode manifest = imports.run("Patient", url);

    assertThat(imports.diagnostics(manifest, url)).containsExactly(line(2, url) + ": The resource has more than "
        + FolderImports.MAX_INDEX_ENTRIES + " search index entries, the most one resource may have"
        + " (--max-index-entries).");
    assertThat(searchIds("Patient?family=" + run)).containsExactlyInAnyOrder(run + "-before", run + "-after");
  }

  @Test
  void aLineWithAControlCharacterFailsAloneAsAWriteOfItIsRefused() {
    String url = file("Controls.ndjson",
        "{\"resourceType\":\"Patient\",\"id\":\"" + run + "-nul\",\"name\":[{\"family\":\"a\\u0000b\"}]}",
        "{\"resourceType\":\"Patient\",\"id\":\"" + run + "-bell\",\"name\":[{\"family\":\"a\\u0007b\"}]}",
        patient("kept", ""));

    JsonNode manifest = imports.run("Patient", url);

    String rule = " is not allowed: FHIR strings may not hold characters below U+0020 other than tab, carriage return"
        + " and line feed.";
    assertThat(imports.diagnostics(manifest, url)).containsExactly(
        line(1, url) + ": Patient.name[0].family: The control character U+0000" + rule,
        line(2, url) + ": Patient.name[0].family: The control character U+0007" + rule);
    assertThat(Importer.count(manifest, url)).isEqualTo(1);
  }

  @Test
  void aVersionIdThatWouldBeStoredOtherwiseThanWrittenFailsItsLine() {
    String url = file("VersionSpellings.ndjson",
        patient("vPlus", "\"meta\":{\"versionId\":\"+5\"},"),
        patient("vZeros", "\"meta\":{\"versionId\":\"007\"},"),
        patient("vArabic", "\"meta\":{\"versionId\":\"\u0663\"},"),
        patient("vPlain", "\"meta\":{\"versionId\":\"10\"},"));

    JsonNode manifest = imports.run("Patient", url);

    String version = ": meta.versionId of an imported resource is a whole number from 1, not ";
    assertThat(imports.diagnostics(manifest, url)).containsExactly(
        line(1, url) + version + "'+5'.",
        line(2, url) + version + "'007'.",
        line(3, url) + version + "'\u0663'.");
    var kept = imports.server().http().get("/fhir/Patient/" + run + "-vPlain");
    assertThat(kept.body()).contains("\"versionId\":\"10\"");
  }

  @Test
  void aLineWhoseMetaIsNoJsonObjectFailsRatherThanLosingIt() {
    String url = file("MetaShapes.ndjson", patient("metaString", "\"meta\":\"x\","), patient("kept", ""));

    JsonNode manifest = imports.run("Patient", url);

    assertThat(imports.diagnostics(manifest, url)).containsExactly(
        line(1, url) + ": meta is a JSON object, not the string \"x\".");
    assertThat(Importer.count(manifest, url)).isEqualTo(1);
  }

  @Test
  void aLastUpdatedWithoutItsSecondsOrTimeZoneFailsItsLine() {
    String url = file("Instants.ndjson",
        patient("noZone", "\"meta\":{\"lastUpdated\":\"2020-01-01T00:00:00\"},"),
        patient("noSeconds", "\"meta\":{\"lastUpdated\":\"2020-01-01T00:00Z\"},"),
        patient("offset", "\"meta\":{\"lastUpdated\":\"2020-01-01T05:30:00.123456+05:30\"},"));

    JsonNode manifest = imports.run("Patient", url);

    String updated = ": meta.lastUpdated of an imported resource is a FHIR instant, not ";
    assertThat(imports.diagnostics(manifest, url)).containsExactly(
        line(1, url) + updated + "'2020-01-01T00:00:00'.",
        line(2, url) + updated + "'2020-01-01T00:00Z'.");
    assertThat(Importer.count(manifest, url)).isEqualTo(1);
    var kept = imports.server().http().get("/fhir/Patient/" + run + "-offset");
    assertThat(kept.body()).as("as given").contains("\"lastUpdated\":\"2020-01-01T05:30:00.123456+05:30\"");
  }

  @Test
  void aLineIsStoredAsTheBytesAWriteOfItStoresAndItsTextIsFoundInAnyScript() {
    String rest = "\"name\":[{\"family\":\"M\u00fcller-\u017b\u00f3\u0142\u0107\",\"given\":[\"" + run
        + "\",\"\u5c71\u7530\",\"\ud83d\ude00\"]}],\"contained\":[{\"resourceType\":\"Practitioner\",\"id\":\"gp\","
        + "\"name\":[{\"family\":\"\u00c4rztin\"}]}],\"generalPractitioner\":[{\"reference\":\"#gp\"}],"
        + "\"extension\":[{\"url\":\"http://example.org/a\",\"valueDecimal\":0.1000000000000000055511151231257827},"
        + "{\"url\":\"http://example.org/b\",\"valueDecimal\":1.50},"
        + "{\"url\":\"http://example.org/c\",\"valueDecimal\":1E+2}]}";
    String url = file("Scripts.ndjson", "{\"resourceType\":\"Patient\",\"id\":\"" + run + "-imported\"," + rest);
    var written = imports.server().http().put("/fhir/Patient/" + run + "-written",
        "{\"resourceType\":\"Patient\",\"id\":\"" + run + "-written\"," + rest);

    JsonNode manifest = imports.run("Patient", url);

    assertThat(written.status()).isEqualTo(201);
    assertThat(Importer.count(manifest, url)).isEqualTo(1);
    String imported = imports.server().http().get("/fhir/Patient/" + run + "-imported").body();
    assertThat(afterMeta(imported)).isEqualTo(afterMeta(imports.server().http().get("/fhir/Patient/" + run
        + "-written").body())).contains("M\u00fcller-\u017b\u00f3\u0142\u0107", "\u5c71\u7530", "\u00c4rztin",
        "0.1000000000000000055511151231257827", "1.50", "1E+2");
    String[] ids = {run + "-imported", run + "-written"};
    String mine = "Patient?given=" + run;
    assertThat(searchIds(mine + "&name:contains=" + encoded("\u017c\u00f3\u0142"))).containsExactlyInAnyOrder(ids);
    assertThat(searchIds(mine + "&given=" + encoded("\u5c71\u7530"))).containsExactlyInAnyOrder(ids);
    assertThat(searchIds(mine + "&given:exact=" + encoded("\ud83d\ude00"))).containsExactlyInAnyOrder(ids);
  }

  @Test
  void aLineWithANumberTooCostlyToReadOrThatHapiCannotParseSaysTheLineIsAtFault() {
    String url = file("Unparsable.ndjson",
        patient("digits", "\"multipleBirthInteger\":" + "1".repeat(1001) + ","),
        patient("exponent", "\"extension\":[{\"url\":\"http://example.org/x\",\"valueDecimal\":1e101}],"),
        patient("colour", "\"colour\":\"blue\","),
        patient("kept", ""));

    JsonNode manifest = imports.run("Patient", url);

    List<String> diagnostics = imports.diagnostics(manifest, url);
    assertThat(diagnostics).hasSize(3);
    assertThat(diagnostics.get(0)).isEqualTo(line(1, url) + ": The line has a number of more than 1000 digits.");
    assertThat(diagnostics.get(1)).isEqualTo(line(2, url) + ": The line has a number with an exponent beyond 100.");
    assertThat(diagnostics.get(2)).startsWith(line(3, url) + ": The line is not a valid FHIR resource: ")
        .contains("colour");
    assertThat(Importer.count(manifest, url)).isEqualTo(1);
  }

  @Test
  void aLineMissingARequiredElementFailsNamingIt() {
    String url = file("Required.ndjson",
        "{\"resourceType\":\"Group\",\"id\":\"" + run + "-untyped\",\"actual\":true}",
        "{\"resourceType\":\"Group\",\"id\":\"" + run + "-kept\",\"type\":\"person\",\"actual\":true}");

    JsonNode manifest = imports.run("Group", url);

    assertThat(imports.diagnostics(manifest, url)).containsExactly(
        line(1, url) + ": Group.type is required (1..1) but missing.");
    assertThat(Importer.count(manifest, url)).isEqualTo(1);
  }

  private String patient(String name, String meta) {
    return "{\"resourceType\":\"Patient\",\"id\":\"" + run + "-" + name + "\"," + meta + "\"name\":[{\"family\":\""
        + run + "\"}]}";
  }

  /** A stored resource's JSON after its id and meta, which an import and a write give it each their own. */
  private static String afterMeta(String json) {
    return json.substring(json.indexOf('}', json.indexOf("\"meta\":{")) + 1);
  }

  private static String encoded(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private String file(String name, String... lines) {
    return imports.file(run + "-" + name, List.of(lines));
  }

  private List<String> searchIds(String query) {
    return imports.server().client().search().byUrl(query + "&_count=100").returnBundle(Bundle.class).execute()
        .getEntry().stream().map(entry -> entry.getResource().getIdElement().getIdPart()).toList();
  }
}
