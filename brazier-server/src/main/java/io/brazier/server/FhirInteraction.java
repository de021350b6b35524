package io.brazier.server;

/**
 * What a request asks for, as the FHIR RESTful API names it (https://hl7.org/fhir/R4/http.html): the route table
 * decides it from the method and the path, before any interceptor runs, so that authorization can be decided on it.
 */
public enum FhirInteraction {
  READ("read"),
  VREAD("vread"),
  UPDATE("update"),
  PATCH("patch"),
  DELETE("delete"),
  HISTORY_INSTANCE("history-instance"),
  HISTORY_TYPE("history-type"),
  HISTORY_SYSTEM("history-system"),
  CREATE("create"),
  SEARCH_TYPE("search-type"),
  SEARCH_SYSTEM("search-system"),
  /** A search in a compartment: GET [base]/Patient/[id]/Observation. */
  SEARCH_COMPARTMENT("search-compartment"),
  CAPABILITIES("capabilities"),
  /** POST [base] with a batch or transaction Bundle; each entry is a request of its own with its own interaction. */
  BUNDLE("batch/transaction"),
  /** An operation ($validate, $export...): {@link FhirRequest#operation()} names it. */
  OPERATION("operation"),
  /** GET or DELETE [base]/_async/[id]: the status of an asynchronous request. */
  ASYNC_STATUS("async-status");

  private final String code;

  FhirInteraction(String code) {
    this.code = code;
  }

  /** The specification's code, such as {@code search-type}. */
  public String code() {
    return code;
  }

  /** Whether it may change what the server stores (an operation may: ask its definition). */
  public boolean writes() {
    return this == UPDATE || this == PATCH || this == DELETE || this == CREATE || this == BUNDLE;
  }
}
