package io.brazier.fhir.v2;

import java.util.HashSet;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * One message being converted: the batch bundle its resources go into, each once, as a PUT of its deterministic id
 * (as Microsoft's converter answers: loading the bundle creates the resources, loading it again updates them), and
 * what the mappings share, the message's key and its dates.
 */
final class Conversion {
  private final V2Message message;
  private final String key;
  private final V2Dates dates;
  private final Bundle bundle = new Bundle();
  private final Set<String> urls = new HashSet<>();

  Conversion(V2Message message) {
    this.message = message;
    Segment msh = message.msh();
    // The sending application and facility, the message's time and control id: one message, whoever sent it.
    this.key = String.join("|", msh.field(3).first().raw(), msh.field(4).first().raw(),
        String.valueOf(msh.value(7)), String.valueOf(msh.value(10)));
    this.dates = new V2Dates(msh.value(7));
    bundle.setId(Ids.of("Bundle", key));
    bundle.setType(BundleType.BATCH);
    if (msh.value(10) != null) {
      bundle.setIdentifier(new Identifier().setValue(msh.value(10)));
    }
  }

  V2Message message() {
    return message;
  }

  V2Dates dates() {
    return dates;
  }

  /** The id of a resource identified by its place in this message ({@code OBX}, {@code 2}). */
  String idInMessage(String type, String... place) {
    return Ids.of(type, key, String.join("|", place));
  }

  /** Adds a resource with its id, once; a reference to it. */
  Reference add(Resource resource) {
    String url = resource.fhirType() + "/" + resource.getIdPart();
    if (urls.add(url)) {
      bundle.addEntry().setResource(resource).getRequest().setMethod(HTTPVerb.PUT).setUrl(url);
    }
    return new Reference(url);
  }

  Bundle bundle() {
    return bundle;
  }
}
