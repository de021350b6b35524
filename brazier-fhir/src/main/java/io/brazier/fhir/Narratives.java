package io.brazier.fhir;

import java.util.Locale;
import java.util.Set;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.utilities.xhtml.NodeType;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;

/**
 * The narratives of a resource and of the resources it contains hold only what R4 lets a narrative hold: basic HTML
 * formatting, links, images and inline styles, and no scripts, forms, frames, objects, event attributes or script
 * links (https://hl7.org/fhir/R4/narrative.html#xhtml, invariant txt-1). Checked on every write, as Microsoft's FHIR
 * server does, because whoever shows a stored narrative shows it as HTML: a script in it would run in their browser.
 * The elements and attributes are those the FHIR validator admits.
 */
public final class Narratives {
  private static final Set<String> ELEMENTS = Set.of("p", "br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "a",
      "span", "b", "em", "i", "strong", "small", "big", "tt", "dfn", "q", "var", "abbr", "acronym", "cite",
      "blockquote", "hr", "address", "bdo", "kbd", "sub", "sup", "ul", "ol", "li", "dl", "dt", "dd", "pre", "table",
      "caption", "colgroup", "col", "thead", "tr", "tfoot", "tbody", "th", "td", "code", "samp", "img", "map",
      "area");
  private static final Set<String> ATTRIBUTES = Set.of("title", "style", "class", "id", "lang", "xml:lang", "dir",
      "accesskey", "tabindex", "span", "width", "height", "align", "valign", "char", "charoff", "abbr", "axis",
      "headers", "scope", "rowspan", "colspan", "border", "cellpadding", "cellspacing", "summary", "href", "name",
      "src", "alt", "longdesc", "shape", "coords", "start", "type", "value", "xmlns");

  private Narratives() {}

  /** Throws a 400 with an issue for each element or attribute a narrative may not hold. */
  public static void check(Resource resource) {
    OperationOutcome outcome = new OperationOutcome();
    check(resource, resource.fhirType(), outcome);
    if (outcome.hasIssue()) {
      throw new FhirException(400, outcome);
    }
  }

  private static void check(Resource resource, String path, OperationOutcome outcome) {
    if (!(resource instanceof DomainResource domain)) {
      return;
    }
    if (domain.hasText() && domain.getText().hasDiv()) {
      check(domain.getText().getDiv(), path + ".text.div", outcome);
    }
    for (int i = 0; i < domain.getContained().size(); i++) {
      check(domain.getContained().get(i), path + ".contained[" + i + "]", outcome);
    }
  }

  private static void check(XhtmlNode node, String path, OperationOutcome outcome) {
    if (node.getNodeType() == NodeType.Element) {
      String name = node.getName().toLowerCase(Locale.ROOT);
      if (!ELEMENTS.contains(name)) {
        refuse(path, "holds a <" + name + "> element", outcome);
        return; // what is inside it is refused with it
      }
      node.getAttributes().forEach((attribute, value) -> {
        String lower = attribute.toLowerCase(Locale.ROOT);
        if (!ATTRIBUTES.contains(lower)) {
          refuse(path, "has an attribute " + attribute + " on <" + name + ">", outcome);
        } else if ((lower.equals("href") || lower.equals("src")) && runsScript(value)) {
          refuse(path, "has a script link in " + attribute + " on <" + name + ">", outcome);
        }
      });
    }
    if (node.hasChildren()) {
      node.getChildNodes().forEach(child -> check(child, path, outcome));
    }
  }

  private static boolean runsScript(String url) {
    String scheme = url == null ? "" : url.strip().toLowerCase(Locale.ROOT);
    return scheme.startsWith("javascript:") || scheme.startsWith("vbscript:");
  }

  private static void refuse(String path, String what, OperationOutcome outcome) {
    outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(IssueType.VALUE)
        .setDiagnostics(path + " " + what + ", which a FHIR narrative may not hold: only basic HTML formatting, links"
            + " and images (https://hl7.org/fhir/R4/narrative.html#xhtml).")
        .addExpression(path);
  }
}
