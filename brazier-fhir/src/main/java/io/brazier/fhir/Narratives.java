package io.brazier.fhir;

import java.util.Locale;
import java.util.Map;
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
    OperationOutcome refusals = check(resource, resource.fhirType(), null);
    if (refusals != null) {
      throw new FhirException(400, refusals);
    }
  }

  /**
   * {@code refusals} with those of {@code resource} added. Null while nothing is refused: every write is checked,
   * and a fine narrative, by far the most common, then costs no OperationOutcome.
   */
  private static OperationOutcome check(Resource resource, String path, OperationOutcome refusals) {
    if (!(resource instanceof DomainResource domain)) {
      return refusals;
    }
    if (domain.hasText() && domain.getText().hasDiv()) {
      refusals = check(domain.getText().getDiv(), path + ".text.div", refusals);
    }
    for (int i = 0; i < domain.getContained().size(); i++) {
      refusals = check(domain.getContained().get(i), path + ".contained[" + i + "]", refusals);
    }
    return refusals;
  }

  private static OperationOutcome check(XhtmlNode node, String path, OperationOutcome refusals) {
    if (node.getNodeType() == NodeType.Element) {
      String name = node.getName().toLowerCase(Locale.ROOT);
      if (!ELEMENTS.contains(name)) {
        return refuse(path, "holds a <" + name + "> element", refusals); // what is inside it is refused with it
      }
      for (Map.Entry<String, String> attribute : node.getAttributes().entrySet()) {
        String lower = attribute.getKey().toLowerCase(Locale.ROOT);
        if (!ATTRIBUTES.contains(lower)) {
          refusals = refuse(path, "has an attribute " + attribute.getKey() + " on <" + name + ">", refusals);
        } else if ((lower.equals("href") || lower.equals("src")) && runsScript(attribute.getValue())) {
          refusals = refuse(path, "has a script link in " + attribute.getKey() + " on <" + name + ">", refusals);
        }
      }
    }
    if (node.hasChildren()) {
      for (XhtmlNode child : node.getChildNodes()) {
        refusals = check(child, path, refusals);
      }
    }
    return refusals;
  }

  private static boolean runsScript(String url) {
    String scheme = url == null ? "" : url.strip().toLowerCase(Locale.ROOT);
    return scheme.startsWith("javascript:") || scheme.startsWith("vbscript:");
  }

  /** {@code refusals}, or a new outcome when it is the first, with this refusal added. */
  private static OperationOutcome refuse(String path, String what, OperationOutcome refusals) {
    OperationOutcome outcome = refusals != null ? refusals : new OperationOutcome();
    outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(IssueType.VALUE)
        .setDiagnostics(path + " " + what + ", which a FHIR narrative may not hold: only basic HTML formatting, links"
            + " and images (https://hl7.org/fhir/R4/narrative.html#xhtml).")
        .addExpression(path);
    return outcome;
  }
}
