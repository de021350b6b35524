package io.brazier.server.export;

import io.brazier.server.Restriction;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An export as the kick-off checked it, kept with its job as JSON: everything a runner on any node needs to run it
 * (and to resume it), nothing read again from the request.
 *
 * @param level system, Patient or Group
 * @param group the Group's id at Group level, else null
 * @param patients the patients whose compartments are exported; null for every patient (Patient level) or none
 *     (system level)
 * @param departed at Group level, the patient members that did not exist at {@code sequence} (deleted, never stored,
 *     or stored since): nothing of their compartments is exported, as they are no patients then, but with
 *     {@code _since} their compartments' deletions are listed, so that a client learns that a member went; empty
 *     otherwise
 * @param types the types exported in full (within the compartments at Patient and Group level), in order
 * @param referenced at Patient and Group level, types outside the compartment that {@code _type} named: only those
 *     the exported resources refer to are exported, kept to {@code _since}, {@code _until} and their
 *     {@code _typeFilter}s
 * @param provenance {@code includeAssociatedData}: which Provenance of the exported resources is exported beside
 *     them, or null for none
 * @param typeFilters by type, the searches ({@code _typeFilter}) of which a resource must match one, without the
 *     parameters a lenient kick-off left out
 * @param since {@code _since}: resources last updated at or after it, and the deletions since (an instant, or null)
 * @param until {@code _until}: resources last updated up to it (an instant, or null)
 * @param elements {@code _elements}: the root elements kept ({@code element} or {@code Type.element}); empty for all
 * @param container the Blob container ({@code _container}), or null for the configured one
 * @param request the kick-off URL, for the manifest
 * @param baseUrl the FHIR base URL the client used, for the file links
 * @param sequence the change sequence the export is as of
 * @param transactionTime when the export's snapshot was taken (ISO instant)
 * @param restriction the part of the data the submitting caller may reach (patient isolation), which the export
 *     keeps to as a search does; null for all of it
 * @param issues what the export reports in its error file: members that are not patients, and what a lenient
 *     kick-off left out
 * @param lenient whether the client asked for {@code handling=lenient}; what that left out of its
 *     {@code _typeFilter}s is already out of {@code typeFilters}, which a run parses strictly
 * @param twin what makes two kick-offs the same export (a hash of the URL, the parameters and what the caller may
 *     reach): a kick-off while a twin by the same caller is queued or running is answered with that job
 */
record ExportRequest(Level level, String group, List<String> patients, List<String> departed, List<String> types,
    List<String> referenced, Provenance provenance, Map<String, List<String>> typeFilters, String since, String until,
    List<String> elements, String container, String request, String baseUrl, long sequence, String transactionTime,
    Restriction restriction, List<Issue> issues, boolean lenient, String twin) {

  /** A line of the error file: an OperationOutcome issue's severity ({@code error}, {@code warning}) and text. */
  record Issue(String severity, String diagnostics) {}

  /**
   * The Provenance exported with the resources ({@code includeAssociatedData}): every one that targets an exported
   * resource ({@code RelevantProvenanceResources}), or for each exported resource only its most recently recorded
   * one ({@code LatestProvenanceResources}).
   */
  enum Provenance { RELEVANT, LATEST }

  /** Where the export was invoked: {@code [base]/$export}, {@code Patient/$export}, {@code Group/[id]/$export}. */
  enum Level { SYSTEM, PATIENT, GROUP }

  ExportRequest {
    patients = patients == null ? null : List.copyOf(patients);
    departed = departed == null ? List.of() : List.copyOf(departed); // null in jobs submitted before it was kept
    types = List.copyOf(types);
    referenced = List.copyOf(referenced);
    typeFilters = Map.copyOf(typeFilters);
    elements = List.copyOf(elements);
    issues = List.copyOf(issues);
  }

  /** The patients whose compartments' deletions are listed: those exported and the departed; null for every one. */
  Set<String> deletionPatients() {
    if (patients == null) {
      return null;
    }
    Set<String> all = new HashSet<>(patients);
    all.addAll(departed);
    return all;
  }
}
