package io.brazier.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** A narrative holds basic HTML only: https://hl7.org/fhir/R4/narrative.html#xhtml (txt-1). */
class NarrativesTest {
  private static final Fhir FHIR = new Fhir(false);

  @Test
  void formattingLinksImagesTablesAndStylesPass() {
    assertThatCode(() -> Narratives.check(patient("<div xmlns=\"http://www.w3.org/1999/xhtml\">"
        + "<h1 class=\"t\">John <b>Smith</b></h1><p style=\"color:red\">born <i>1970</i><br/></p>"
        + "<a href=\"https://example.org/p\" title=\"more\">more</a><img src=\"#logo\" alt=\"logo\"/>"
        + "<table border=\"1\"><tr><td colspan=\"2\">x</td></tr></table><ul><li>a</li></ul></div>")))
        .doesNotThrowAnyException();
  }

  @Test
  void aScriptAnEventAttributeAndAScriptLinkAreEachRefusedWhereTheyAre() {
    Resource patient = patient("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p onclick=\"steal()\">hi</p>"
        + "<script>steal()</script><a href=\" JavaScript:steal()\">x</a></div>");

    assertThatThrownBy(() -> Narratives.check(patient)).isInstanceOfSatisfying(FhirException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.outcome().getIssue()).extracting(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
          .satisfiesExactlyInAnyOrder(
              d -> assertThat(d).startsWith("Patient.text.div has an attribute onclick on <p>"),
              d -> assertThat(d).startsWith("Patient.text.div holds a <script> element"),
              d -> assertThat(d).startsWith("Patient.text.div has a script link in href on <a>"));
    });
  }

  @Test
  void aContainedResourcesNarrativeIsCheckedToo() {
    Resource observation = FHIR.parse(Format.JSON, ("{\"resourceType\":\"Observation\",\"status\":\"final\","
        + "\"code\":{\"text\":\"x\"},\"contained\":[{\"resourceType\":\"Patient\",\"id\":\"p\",\"text\":{\"status\":"
        + "\"generated\",\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\"><iframe src=\\\"https://x\\\"/>"
        + "</div>\"}}]}").getBytes());

    assertThatThrownBy(() -> Narratives.check(observation)).isInstanceOfSatisfying(FhirException.class,
        e -> assertThat(e.outcome().getIssueFirstRep().getDiagnostics())
            .startsWith("Observation.contained[0].text.div holds a <iframe> element"));
  }

  private Resource patient(String div) {
    String json = "{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\""
        + div.replace("\"", "\\\"") + "\"}}";
    return FHIR.parse(Format.JSON, json.getBytes());
  }
}
