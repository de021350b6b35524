package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.server.TestServer;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupUnmappedMode;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.Test;

class TranslateTest {
  private final IGenericClient client = TestServer.shared().client();
  private final String tag = UUID.randomUUID().toString();
  private final String lab = "http://example.org/cs/lab-" + tag;
  private final String loinc = "http://example.org/cs/loinc-" + tag;
  private final String url = "http://example.org/cm/lab-to-loinc-" + tag;

  /** Local lab codes to LOINC: glucose is equivalent, haemoglobin maps to a wider code, "misc" has no match. */
  private String storeMap() {
    ConceptMap map = new ConceptMap().setUrl(url).setVersion("2").setStatus(PublicationStatus.ACTIVE)
        .setSource(new UriType("http://example.org/vs/lab-" + tag))
        .setTarget(new UriType("http://example.org/vs/loinc-" + tag));
    var group = map.addGroup().setSource(lab).setTarget(loinc);
    group.addElement().setCode("glu").setDisplay("Glucose").addTarget().setCode("2345-7")
        .setDisplay("Glucose [Mass/volume] in Serum or Plasma").setEquivalence(ConceptMapEquivalence.EQUIVALENT);
    group.addElement().setCode("hb").setDisplay("Haemoglobin").addTarget().setCode("718-7")
        .setDisplay("Hemoglobin [Mass/volume] in Blood").setEquivalence(ConceptMapEquivalence.WIDER);
    group.addElement().setCode("misc").addTarget().setEquivalence(ConceptMapEquivalence.UNMATCHED);
    return client.create().resource(map).execute().getId().getIdPart();
  }

  @Test
  void aCodeTranslatesThroughTheMapItsUrlNames() {
    storeMap();

    Parameters out = translate(new Parameters().addParameter("url", new UriType(url))
        .addParameter("system", new UriType(lab)).addParameter("code", new CodeType("glu")));

    assertThat(result(out)).isTrue();
    assertThat(matches(out)).containsExactly("equivalent " + loinc + "|2345-7 " + url);
    Coding concept = (Coding) out.getParameter("match").getPart().get(1).getValue();
    assertThat(concept.getDisplay()).isEqualTo("Glucose [Mass/volume] in Serum or Plasma");
  }

  @Test
  void anInstanceTranslatesByGetAndEveryStoredMapAnswersWhenNoneIsNamed() {
    String id = storeMap();

    Parameters byInstance = client.operation().onInstance(new IdType("ConceptMap", id)).named("$translate")
        .withParameters(new Parameters().addParameter("system", new UriType(lab))
            .addParameter("code", new CodeType("hb"))).useHttpGet().execute();
    Parameters byType = translate(new Parameters().addParameter("system", new UriType(lab))
        .addParameter("code", new CodeType("hb")));

    assertThat(matches(byInstance)).containsExactly("wider " + loinc + "|718-7 " + url);
    assertThat(matches(byType)).containsExactly("wider " + loinc + "|718-7 " + url);
  }

  @Test
  void aCodeWithoutATranslationIsResultFalseWithAMessage() {
    storeMap();

    Parameters unknown = translate(named().addParameter("system", new UriType(lab))
        .addParameter("code", new CodeType("zzz")));
    Parameters unmatched = translate(named().addParameter("system", new UriType(lab))
        .addParameter("code", new CodeType("misc")));
    Parameters otherTarget = translate(named().addParameter("system", new UriType(lab))
        .addParameter("code", new CodeType("glu")).addParameter("targetsystem", new UriType("http://snomed.info/sct")));
    Parameters otherVersion = translate(named().addParameter("conceptMapVersion", new StringType("2"))
        .addParameter("system", new UriType(lab)).addParameter("code", new CodeType("glu"))
        .addParameter("target", new UriType("http://example.org/vs/other")));

    assertThat(result(unknown)).isFalse();
    assertThat(unknown.getParameterValue("message").primitiveValue()).contains(lab + "|zzz");
    assertThat(result(unmatched)).isFalse();
    assertThat(unmatched.getParameter("match").getPart().get(0).getValue().primitiveValue()).isEqualTo("unmatched");
    assertThat(result(otherTarget)).isFalse();
    assertThat(result(otherVersion)).isFalse();
  }

  @Test
  void reverseFindsTheCodesThatMapToTheCodeWithTheEquivalenceTurned() {
    storeMap();

    Parameters out = translate(new Parameters().addParameter("system", new UriType(loinc))
        .addParameter("code", new CodeType("718-7")).addParameter("reverse", new BooleanType(true)));

    assertThat(result(out)).isTrue();
    assertThat(matches(out)).containsExactly("narrower " + lab + "|hb " + url);
  }

  @Test
  void eachCodingOfACodeableConceptIsTranslated() {
    storeMap();

    Parameters out = translate(named().addParameter("codeableConcept", new CodeableConcept()
        .addCoding(new Coding(lab, "glu", null)).addCoding(new Coding(lab, "hb", null))));

    assertThat(matches(out)).containsExactly("equivalent " + loinc + "|2345-7 " + url,
        "wider " + loinc + "|718-7 " + url);
  }

  @Test
  void anUnmappedCodeTakesTheGroupsUnmappedRule() {
    ConceptMap map = new ConceptMap().setUrl(url).setStatus(PublicationStatus.ACTIVE);
    var group = map.addGroup().setSource(lab).setTarget(loinc);
    group.addElement().setCode("glu").addTarget().setCode("2345-7").setEquivalence(ConceptMapEquivalence.EQUAL);
    group.getUnmapped().setMode(ConceptMapGroupUnmappedMode.FIXED).setCode("LA4489-6").setDisplay("Unknown");
    client.create().resource(map).execute();

    Parameters out = translate(named().addParameter("coding", new Coding(lab, "zzz", null)));

    assertThat(matches(out)).containsExactly("inexact " + loinc + "|LA4489-6 " + url);
  }

  @Test
  void anUnknownMapIsNotFoundByInstanceAndABadRequestByUrl() {
    Parameters glu = new Parameters().addParameter("system", new UriType(lab)).addParameter("code", new CodeType("glu"));

    assertThatThrownBy(() -> client.operation().onInstance(new IdType("ConceptMap", "no-such-" + tag))
        .named("$translate").withParameters(glu).execute()).isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> translate(glu.copy().addParameter("url", new UriType(url))))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining(url);
  }

  @Test
  void aRequestWithoutACodeOrWithABadReverseIsABadRequest() {
    storeMap();

    assertThatThrownBy(() -> translate(named().addParameter("system", new UriType(lab))))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("needs a code");
    assertThatThrownBy(() -> translate(named().addParameter("coding", new Coding().setSystem(lab))))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("needs a code");
    assertThatThrownBy(() -> translate(named().addParameter("system", new UriType(lab))
        .addParameter("code", new CodeType("glu")).addParameter("reverse", new StringType("maybe"))))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("reverse");
  }

  private Parameters named() {
    return new Parameters().addParameter("url", new UriType(url));
  }

  private Parameters translate(Parameters parameters) {
    return client.operation().onType(ConceptMap.class).named("$translate").withParameters(parameters).execute();
  }

  private static boolean result(Parameters out) {
    return Boolean.parseBoolean(out.getParameterValue("result").primitiveValue());
  }

  /** Each match as "equivalence system|code source". */
  private static List<String> matches(Parameters out) {
    return out.getParameter().stream().filter(p -> p.getName().equals("match")).map(p -> {
      String equivalence = p.getPart().get(0).getValue().primitiveValue();
      Coding concept = (Coding) p.getPart().get(1).getValue();
      String source = p.getPart().get(2).getValue().primitiveValue();
      return equivalence + " " + concept.getSystem() + "|" + concept.getCode() + " " + source;
    }).toList();
  }
}
