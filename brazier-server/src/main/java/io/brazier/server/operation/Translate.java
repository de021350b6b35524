package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import io.brazier.server.terminology.ConceptMapping;
import io.brazier.server.terminology.ConceptMapping.Match;
import io.brazier.server.terminology.StoredTerminology;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;

/**
 * ConceptMap/$translate over stored ConceptMaps: a code (with system and version), a coding or a CodeableConcept
 * (each of its codings), through the map of the instance, of {@code url} (and {@code conceptMapVersion}), of a
 * {@code conceptMap} in the body, or else through every stored map from the coding's system; {@code source} and
 * {@code target} (value sets) and {@code targetsystem} narrow it, {@code reverse} reads maps backwards. An instance
 * that is not stored is a 404, a named url that is not a 400.
 * https://hl7.org/fhir/R4/conceptmap-operation-translate.html
 */
public final class Translate implements Interaction {
  public static final Operations.Definition OPERATION =
      new Operations.Definition("translate", "http://hl7.org/fhir/OperationDefinition/ConceptMap-translate");
  private final Fhir fhir;
  private final StoredTerminology terminology;

  public Translate(Fhir fhir, StoredTerminology terminology) {
    this.fhir = fhir;
    this.terminology = terminology;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    OperationInput input = new OperationInput(fhir, request);
    boolean reverse = reverse(input.value("reverse"));
    List<Coding> codings = codings(input);
    ConceptMap named = named(request, input);
    List<Match> matches = new ArrayList<>();
    for (Coding coding : codings) {
      List<ConceptMap> maps = named != null ? List.of(named)
          : terminology.conceptMapsFor(coding.getSystem(), coding.getCode(), reverse);
      String version = coding.hasVersion() ? coding.getVersion() : input.value("version");
      var translation = new ConceptMapping.Request(coding, version, input.value("targetsystem"), reverse);
      for (ConceptMap map : maps) {
        ConceptMapping mapping = new ConceptMapping(map);
        if (mapping.between(input.value("source"), input.value("target"), reverse)) {
          matches.addAll(mapping.translate(translation));
        }
      }
    }
    return FhirResponse.ok(answer(codings, matches));
  }

  private static boolean reverse(String value) {
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw FhirException.badRequest("Parameter reverse must be true or false, not '" + value + "'.");
  }

  private static List<Coding> codings(OperationInput input) {
    CodeableConcept concept = input.codeableConcept("codeableConcept");
    List<Coding> codings = concept != null ? concept.getCoding() : new ArrayList<>();
    Coding coding = concept == null ? input.coding("coding") : null;
    if (coding != null) {
      codings.add(coding);
    }
    if (codings.isEmpty() || codings.stream().anyMatch(c -> !c.hasCode())) {
      throw FhirException.badRequest("$translate needs a code (with its system), a coding or a codeableConcept,"
          + " each with a code.");
    }
    return codings;
  }

  /** The map the request names, or null when it names none (then every stored map may answer). */
  private ConceptMap named(FhirRequest request, OperationInput input) {
    if (request.segments().size() == 3) {
      return terminology.conceptMap("ConceptMap/" + request.id())
          .orElseThrow(() -> FhirException.notFound("ConceptMap", request.id()));
    }
    if (input.resource("conceptMap") instanceof ConceptMap given) {
      return given;
    }
    String url = input.value("url");
    if (url == null) {
      return null;
    }
    String version = input.value("conceptMapVersion");
    String reference = version == null ? url : url + "|" + version;
    return terminology.conceptMap(reference).orElseThrow(() -> FhirException.badRequest(
        "ConceptMap " + reference + " is not stored in this server."));
  }

  private static Parameters answer(List<Coding> codings, List<Match> matches) {
    Parameters out = new Parameters();
    boolean translated = matches.stream().anyMatch(Match::translates);
    out.addParameter("result", new BooleanType(translated));
    if (!translated) {
      out.addParameter("message", new StringType("No translation of " + String.join(", ", codings.stream()
          .map(c -> (c.hasSystem() ? c.getSystem() + "|" : "") + c.getCode()).toList()) + " was found."));
    }
    for (Match match : matches) {
      var part = out.addParameter().setName("match");
      part.addPart().setName("equivalence").setValue(new CodeType(match.equivalence().toCode()));
      if (match.concept() != null) {
        part.addPart().setName("concept").setValue(match.concept());
      }
      if (match.source() != null) {
        part.addPart().setName("source").setValue(new UriType(match.source()));
      }
    }
    return out;
  }
}
