package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.Conditions;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import io.brazier.server.interaction.Reachable;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * {@code POST [base]/Patient/$member-match} (Da Vinci HRex): the one member whose demographics and coverage a client
 * (another payer, a provider) knows, answered with the member number this server gives them. The match is
 * deterministic, as HRex asks of such servers: a stored Coverage whose beneficiary has the MemberPatient's family
 * and given names (exactly), birth date and gender (when given), whose member number (identifier of type MB) is the
 * CoverageToMatch's when it has one, and whose subscriberId is the CoverageToMatch's when it has one; it needs one of
 * the two (HRex Coverage's us-core-15), so a demographic match alone never answers. The MemberPatient's identifiers
 * are the client's own and take no part. CoverageToLink and Consent are checked for their type and not stored.
 * The search keeps to the request's restriction. The answer is the matched patient's identifier of type MB
 * (MemberIdentifier) and a reference to it (MemberId); no match, several, or a match without a member number is a
 * 422, and input that is not the operation's is a 400.
 * http://hl7.org/fhir/us/davinci-hrex/OperationDefinition/member-match
 */
public final class MemberMatch implements Interaction {
  public static final Operations.Definition OPERATION = new Operations.Definition("member-match",
      "http://hl7.org/fhir/us/davinci-hrex/OperationDefinition/member-match");
  private static final String IDENTIFIER_TYPES = "http://terminology.hl7.org/CodeSystem/v2-0203";
  private static final String MEMBER_NUMBER = "MB";
  /** How many coverages may meet the criteria: those go on to the subscriberId test; more is no single member. */
  private static final int CANDIDATES = 100;
  private static final String BENEFICIARY = "beneficiary:Patient.";
  private static final Set<String> PARAMETERS = Set.of("MemberPatient", "CoverageToMatch", "CoverageToLink", "Consent");

  private final Fhir fhir;
  private final Store store;
  private final Conditions conditions;
  private final Reachable reachable;

  public MemberMatch(Fhir fhir, Store store, Conditions conditions, Reachable reachable) {
    this.fhir = fhir;
    this.store = store;
    this.conditions = conditions;
    this.reachable = reachable;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    if (!request.hasBody()) {
      throw FhirException.badRequest("$member-match takes a Parameters body with MemberPatient and CoverageToMatch.");
    }
    OperationInput input = new OperationInput(fhir, request);
    for (String name : input.names()) {
      if (!name.startsWith("_") && !PARAMETERS.contains(name)) {
        throw FhirException.badRequest("$member-match takes no parameter " + name + ".");
      }
    }
    Patient member = required(input, "MemberPatient", Patient.class);
    Coverage toMatch = required(input, "CoverageToMatch", Coverage.class);
    resource(input, "CoverageToLink", Coverage.class);
    resource(input, "Consent", Consent.class);
    ResourceVersion patient = matchingPatient(request, member, toMatch);
    Patient found = (Patient) fhir.parse(Format.JSON, patient.json());
    Identifier number = memberNumber(found.getIdentifier());
    if (number == null) {
      throw FhirException.unprocessable("The matching member has no member number (an identifier of type MB).");
    }
    Parameters out = new Parameters();
    out.addParameter().setName("MemberIdentifier").setValue(number.copy());
    out.addParameter().setName("MemberId").setValue(new Reference("Patient/" + patient.id()));
    return FhirResponse.ok(out);
  }

  /**
   * The one patient a matching coverage names as its beneficiary, within the request's restriction (a coverage the
   * caller reaches through its subscriber may name a beneficiary it does not); a 422 for none or several.
   */
  private ResourceVersion matchingPatient(FhirRequest request, Patient member, Coverage toMatch) {
    List<String> coverages = conditions.matches("Coverage", criteria(member, toMatch), CANDIDATES,
        request.restriction());
    Set<String> patients = new LinkedHashSet<>();
    for (String coverageId : coverages) {
      store.current("Coverage", coverageId).filter(version -> !version.deleted()).ifPresent(version -> {
        Coverage coverage = (Coverage) fhir.parse(Format.JSON, version.json());
        if (!toMatch.hasSubscriberId() || toMatch.getSubscriberId().equals(coverage.getSubscriberId())) {
          patients.add(new IdType(coverage.getBeneficiary().getReference()).getIdPart());
        }
      });
    }
    if (patients.size() > 1 || coverages.size() > CANDIDATES) {
      throw new FhirException(422, IssueType.MULTIPLEMATCHES, "More than one member matches the MemberPatient and"
          + " CoverageToMatch: add what tells them apart (the member number, the subscriber id, given names).");
    }
    return patients.stream().findFirst()
        .flatMap(id -> reachable.current(request.restriction(), "Patient", id))
        .filter(version -> !version.deleted())
        .orElseThrow(() -> new FhirException(422, IssueType.NOTFOUND,
            "No member matches the MemberPatient and CoverageToMatch."));
  }

  /** The search of Coverage, by its beneficiary's demographics and its member number. */
  private static Map<String, List<String>> criteria(Patient member, Coverage toMatch) {
    Map<String, List<String>> criteria = new LinkedHashMap<>();
    for (HumanName name : member.getName()) {
      if (name.hasFamily()) {
        add(criteria, BENEFICIARY + "family:exact", name.getFamily());
      }
      name.getGiven().forEach(given -> add(criteria, BENEFICIARY + "given:exact", given.getValue()));
    }
    if (!criteria.containsKey(BENEFICIARY + "family:exact") || !member.hasBirthDate()) {
      throw FhirException.badRequest("MemberPatient needs a family name and a birthDate: the match is on the"
          + " member's demographics and coverage.");
    }
    add(criteria, BENEFICIARY + "birthdate", member.getBirthDateElement().getValueAsString());
    if (member.hasGender() && member.getGender() != AdministrativeGender.NULL) {
      add(criteria, BENEFICIARY + "gender", member.getGender().toCode());
    }
    Identifier number = memberNumber(toMatch.getIdentifier());
    if (number == null && !toMatch.hasSubscriberId()) {
      throw FhirException.badRequest("CoverageToMatch needs a member number (an identifier of type MB) or a"
          + " subscriberId, as HRex Coverage requires (us-core-15): a match on demographics alone is not made.");
    }
    if (number != null) {
      criteria.put("identifier", List.of((number.hasSystem() ? escaped(number.getSystem()) + "|" : "")
          + escaped(number.getValue())));
    }
    return criteria;
  }

  /** The first identifier of type MB (v2-0203) with a value, or null. */
  private static Identifier memberNumber(List<Identifier> identifiers) {
    return identifiers.stream().filter(Identifier::hasValue)
        .filter(identifier -> identifier.getType().hasCoding(IDENTIFIER_TYPES, MEMBER_NUMBER)).findFirst()
        .orElse(null);
  }

  private static void add(Map<String, List<String>> criteria, String name, String value) {
    if (value != null && !value.isBlank()) {
      criteria.computeIfAbsent(name, key -> new ArrayList<>()).add(escaped(value));
    }
  }

  /** A value as a search value: its commas, dollars, bars and backslashes escaped (R4 search, "Escaping"). */
  private static String escaped(String value) {
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("$", "\\$").replace("|", "\\|");
  }

  private static <T extends Resource> T required(OperationInput input, String name, Class<T> type) {
    T resource = resource(input, name, type);
    if (resource == null) {
      throw FhirException.badRequest("$member-match needs " + name + ", a " + type.getSimpleName() + ".");
    }
    return resource;
  }

  /** The resource of a parameter given at most once, of {@code type}; null when it is absent. */
  private static <T extends Resource> T resource(OperationInput input, String name, Class<T> type) {
    List<ParametersParameterComponent> given = input.parts(name);
    if (given.size() > 1) {
      throw FhirException.badRequest("$member-match takes " + name + " once, not " + given.size() + " times.");
    }
    if (given.isEmpty()) {
      return null;
    }
    Resource resource = given.get(0).getResource();
    if (!type.isInstance(resource)) {
      throw FhirException.badRequest("$member-match's " + name + " must be a " + type.getSimpleName() + " resource,"
          + " not " + (resource == null ? "a value" : "a " + resource.fhirType()) + ".");
    }
    return type.cast(resource);
  }
}
