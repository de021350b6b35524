package io.brazier.loader;

/**
 * What to export from a FHIR server: the patients a query gives with what the include searches find of them
 * ({@link PatientExport}), or every resource of one type, in time slices fetched in parallel ({@link TypeExport}).
 */
public sealed interface ExportRequest permits PatientExport, TypeExport {

  /** The resource types the request names, which the server must serve. */
  java.util.List<String> types();

  /** The request in one line, for the manifest's {@code request} and log lines. */
  String describe();
}
