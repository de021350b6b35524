package io.brazier.server.terminology;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupUnmappedMode;
import org.hl7.fhir.r4.model.ConceptMap.SourceElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;

/**
 * What one ConceptMap maps a coding to, read forwards (source to target) or reversed (the codes that map to it), as
 * $translate answers it. A group applies when its systems and source version agree with what the request names
 * (an unnamed one agrees with anything); reversed, {@code wider} reads {@code narrower} and {@code subsumes} reads
 * {@code specializes}. An unmapped code takes the group's {@code unmapped} rule: {@code provided} keeps the code
 * ({@code equal}), {@code fixed} maps it to the fixed code ({@code inexact}); {@code other-map} is not followed.
 */
public final class ConceptMapping {
  /** One translation: how the target relates to the source, the target, and the url of the map that says so. */
  public record Match(ConceptMapEquivalence equivalence, Coding concept, String source) {
    /** Whether it is a translation at all: unmatched and disjoint say there is none. */
    public boolean translates() {
      return equivalence != ConceptMapEquivalence.UNMATCHED && equivalence != ConceptMapEquivalence.DISJOINT;
    }
  }

  /** The request's constraints: the version of the coding's system and the system to translate into (or null). */
  public record Request(Coding coding, String version, String targetSystem, boolean reverse) {}

  private final ConceptMap map;

  public ConceptMapping(ConceptMap map) {
    this.map = map;
  }

  /** Whether the map is between the value sets the request names ({@code source}, {@code target}; null: any). */
  public boolean between(String source, String target, boolean reverse) {
    String from = map.hasSource() ? map.getSource().primitiveValue() : null;
    String to = map.hasTarget() ? map.getTarget().primitiveValue() : null;
    return agrees(source, reverse ? to : from) && agrees(target, reverse ? from : to);
  }

  public List<Match> translate(Request request) {
    List<Match> matches = new ArrayList<>();
    for (ConceptMapGroupComponent group : map.getGroup()) {
      String from = request.reverse() ? group.getTarget() : group.getSource();
      String fromVersion = request.reverse() ? group.getTargetVersion() : group.getSourceVersion();
      String to = request.reverse() ? group.getSource() : group.getTarget();
      if (agrees(request.coding().getSystem(), from) && agrees(request.version(), fromVersion)
          && agrees(request.targetSystem(), to)) {
        int before = matches.size();
        Coding target = new Coding().setSystem(to)
            .setVersion(request.reverse() ? group.getSourceVersion() : group.getTargetVersion());
        String code = request.coding().getCode();
        for (SourceElementComponent element : group.getElement()) {
          if (request.reverse()) {
            element.getTarget().stream().filter(t -> code.equals(t.getCode())).forEach(t -> matches.add(
                match(reversed(t.getEquivalence()), target.copy().setCode(element.getCode())
                    .setDisplay(element.getDisplay()))));
          } else if (code.equals(element.getCode())) {
            element.getTarget().forEach(t -> matches.add(forward(t, target)));
          }
        }
        if (matches.size() == before && !request.reverse()) {
          unmapped(group, request.coding(), target, matches);
        }
      }
    }
    return matches;
  }

  private Match forward(TargetElementComponent element, Coding target) {
    Coding concept = element.hasCode() ? target.copy().setCode(element.getCode()).setDisplay(element.getDisplay())
        : null;
    return match(element.getEquivalence() == null ? ConceptMapEquivalence.EQUIVALENT : element.getEquivalence(),
        concept);
  }

  private void unmapped(ConceptMapGroupComponent group, Coding coding, Coding target, List<Match> matches) {
    if (!group.hasUnmapped()) {
      return;
    }
    ConceptMapGroupUnmappedMode mode = group.getUnmapped().getMode();
    if (mode == ConceptMapGroupUnmappedMode.PROVIDED) {
      matches.add(match(ConceptMapEquivalence.EQUAL, coding.copy()));
    } else if (mode == ConceptMapGroupUnmappedMode.FIXED) {
      matches.add(match(ConceptMapEquivalence.INEXACT, target.copy().setCode(group.getUnmapped().getCode())
          .setDisplay(group.getUnmapped().getDisplay())));
    }
  }

  private Match match(ConceptMapEquivalence equivalence, Coding concept) {
    return new Match(equivalence, concept, map.getUrl());
  }

  private static ConceptMapEquivalence reversed(ConceptMapEquivalence equivalence) {
    if (equivalence == null) {
      return ConceptMapEquivalence.EQUIVALENT;
    }
    return switch (equivalence) {
      case WIDER -> ConceptMapEquivalence.NARROWER;
      case NARROWER -> ConceptMapEquivalence.WIDER;
      case SUBSUMES -> ConceptMapEquivalence.SPECIALIZES;
      case SPECIALIZES -> ConceptMapEquivalence.SUBSUMES;
      default -> equivalence;
    };
  }

  private static boolean agrees(String given, String declared) {
    return given == null || declared == null || given.equals(declared);
  }
}
