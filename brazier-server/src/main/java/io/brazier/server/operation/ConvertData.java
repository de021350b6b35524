package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Stu3ToR4;
import io.brazier.fhir.v2.V2Message;
import io.brazier.fhir.v2.V2ToFhir;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * {@code POST [base]/$convert-data}, as Microsoft's FHIR server serves it: a Parameters body with the data to convert
 * ({@code inputData}, a string), its type ({@code inputDataType}), the template that converts it ({@code
 * rootTemplate}) and the collection that template is from ({@code templateCollectionReference}); the answer is the
 * FHIR R4 the data converts to, and nothing is stored. HL7 v2 messages convert with our own mappings (the
 * {@code io.brazier.fhir.v2} package) to a batch Bundle, an STU3 resource (inputDataType Fhir) to its R4 form; C-CDA
 * and JSON are not converted yet. The template names are Microsoft's, so a client of theirs keeps working, but only
 * their default template collections: templates of one's own, from a container registry, are not served.
 * https://learn.microsoft.com/azure/healthcare-apis/fhir/convert-data-overview
 */
public final class ConvertData implements Interaction {
  public static final Operations.Definition OPERATION =
      new Operations.Definition("convert-data", "https://brazier.dev/fhir/OperationDefinition/convert-data");
  private static final Set<String> PARAMETERS =
      Set.of("inputData", "inputDataType", "rootTemplate", "templateCollectionReference");
  private static final String ALL_DEFAULT_TEMPLATES = "microsofthealth/fhirconverter:default";
  /** Each input type's default template collection, besides the one of them all. */
  private static final Map<String, String> DEFAULT_TEMPLATES = Map.of(
      "Hl7v2", "microsofthealth/hl7v2templates:default", "Ccda", "microsofthealth/ccdatemplates:default",
      "Json", "microsofthealth/jsontemplates:default", "Fhir", "microsofthealth/stu3tor4templates:default");
  private static final List<String> TYPES = List.of("Hl7v2", "Ccda", "Json", "Fhir");

  private final Fhir fhir;

  public ConvertData(Fhir fhir) {
    this.fhir = fhir;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    if (!request.hasBody()) {
      throw FhirException.badRequest("$convert-data takes a Parameters body with inputData, inputDataType,"
          + " rootTemplate and templateCollectionReference.");
    }
    OperationInput input = new OperationInput(fhir, request);
    for (String name : input.names()) {
      if (!name.startsWith("_") && !PARAMETERS.contains(name)) {
        throw FhirException.badRequest("$convert-data takes no parameter " + name + "; its parameters are"
            + " inputData, inputDataType, rootTemplate and templateCollectionReference.");
      }
    }
    String data = required(input, "inputData");
    String type = required(input, "inputDataType");
    String template = required(input, "rootTemplate");
    if (!TYPES.contains(type)) {
      throw FhirException.badRequest("inputDataType " + type + " is not known; it is one of "
          + String.join(", ", TYPES) + ".");
    }
    checkTemplates(input.single("templateCollectionReference"), type);
    return switch (type) {
      case "Hl7v2" -> FhirResponse.ok(located(V2ToFhir.convert(V2Message.parse(data), template), request));
      case "Fhir" -> FhirResponse.ok(fromStu3(data, template));
      default -> throw FhirException.badRequest("inputDataType " + type + " is not supported yet: this server"
          + " converts Hl7v2 and Fhir (STU3 to R4).");
    };
  }

  /**
   * An STU3 resource as R4. Microsoft's STU3 templates are one per resource type, named by it, so the root template
   * must be the input's type.
   */
  private static Resource fromStu3(String data, String template) {
    Resource resource = Stu3ToR4.convert(data);
    if (!resource.fhirType().equals(template)) {
      throw FhirException.badRequest("rootTemplate " + template + " does not convert a " + resource.fhirType()
          + ": for Fhir it is the input's resource type (" + resource.fhirType() + ").");
    }
    return resource;
  }

  /**
   * The bundle with each entry's fullUrl where its PUT puts it on this server, as a batch's PUT entries have it: a
   * {@code urn:uuid} fullUrl would become the resource's id in clients (HAPI's parser does so), which the PUT then
   * refuses as not its url's.
   */
  private static Bundle located(Bundle bundle, FhirRequest request) {
    bundle.getEntry().forEach(entry -> entry.setFullUrl(request.baseUrl() + "/" + entry.getRequest().getUrl()));
    return bundle;
  }

  /** The template collection, when named, must be Microsoft's default one for all types or for this type. */
  private static void checkTemplates(String collection, String type) {
    if (collection == null || collection.equals(ALL_DEFAULT_TEMPLATES)
        || collection.equals(DEFAULT_TEMPLATES.get(type))) {
      return;
    }
    if (DEFAULT_TEMPLATES.containsValue(collection)) {
      throw FhirException.badRequest("templateCollectionReference " + collection + " holds no templates for "
          + type + "; use " + DEFAULT_TEMPLATES.get(type) + " or " + ALL_DEFAULT_TEMPLATES + ".");
    }
    throw FhirException.badRequest("templateCollectionReference " + collection + " is not supported: this server"
        + " converts with its own built-in mappings, named as the default templates, and custom template"
        + " registries are not supported; use " + DEFAULT_TEMPLATES.get(type) + " or " + ALL_DEFAULT_TEMPLATES
        + ".");
  }

  private static String required(OperationInput input, String name) {
    String value = input.single(name);
    if (value == null || value.isEmpty()) {
      throw FhirException.badRequest("$convert-data needs " + name + ", a string.");
    }
    return value;
  }
}
