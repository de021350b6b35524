package io.brazier.fhir.search;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Criterion.Has;
import io.brazier.fhir.search.Criterion.Not;

/**
 * {@code _not-referenced}, Microsoft's FHIR server's parameter (no FHIR specification defines it): the resources no
 * other resource refers to, in the shape of {@code _revinclude}'s value. {@code *:*} is referred to by nothing,
 * {@code Type:*} by no resource of that type, {@code Type:param} by no resource of that type through that reference
 * parameter. A reference counts when the search index holds it (a reference search parameter of the source). The
 * criterion is a negated {@code _has} whose source may be of any type and match anything, so everything that keeps
 * {@code _has} to a patient restriction keeps this to it too.
 */
final class NotReferenced {
  static final String NAME = "_not-referenced";
  private static final String ANY = "*";

  private final Fhir fhir;
  private final SearchParameters params;

  NotReferenced(Fhir fhir, SearchParameters params) {
    this.fhir = fhir;
    this.params = params;
  }

  Criterion parse(String modifier, String value) {
    if (modifier != null) {
      throw FhirException.badRequest(NAME + " takes no modifier, not :" + modifier + ".");
    }
    String[] parts = value.split(":", -1);
    if (parts.length != 2) {
      throw bad(value, "it has the shape of _revinclude's: *:*, Type:* or Type:parameter");
    }
    String source = parts[0];
    String param = parts[1];
    if (source.equals(ANY)) {
      if (!param.equals(ANY)) {
        throw bad(value, "a parameter needs the type that has it (Type:" + param + "); *:* means any reference");
      }
      return new Not(new Has(null, null, null));
    }
    if (!fhir.isResourceType(source)) {
      throw bad(value, "'" + source + "' is not a resource type");
    }
    if (param.equals(ANY)) {
      return new Not(new Has(source, null, null));
    }
    SearchParam reference = params.get(source, param)
        .orElseThrow(() -> bad(value, source + " has no search parameter '" + param + "'"));
    if (reference.type() != ParamType.REFERENCE) {
      throw bad(value, source + "." + param + " is not a reference parameter");
    }
    return new Not(new Has(source, param, null));
  }

  private static FhirException bad(String value, String why) {
    return FhirException.badRequest(NAME + "=" + value + " cannot be searched: " + why + ".");
  }
}
