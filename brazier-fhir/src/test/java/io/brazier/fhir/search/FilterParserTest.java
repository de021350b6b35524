package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterParserTest {
  @Test
  void andBindsTighterThanOrAndParenthesesGroup() {
    Filter filter = FilterParser.parse("a eq 1 or b eq 2 and not (c eq 3)");
    Filter grouped = FilterParser.parse("(a eq 1 or b eq 2) and c eq 3");

    assertThat(filter).isInstanceOfSatisfying(Filter.Or.class, or -> {
      assertThat(or.terms().get(0)).isInstanceOf(Filter.Test.class);
      assertThat(or.terms().get(1)).isInstanceOfSatisfying(Filter.And.class,
          and -> assertThat(and.terms().get(1)).isInstanceOf(Filter.Not.class));
    });
    assertThat(grouped).isInstanceOfSatisfying(Filter.And.class,
        and -> assertThat(and.terms().get(0)).isInstanceOf(Filter.Or.class));
  }

  @Test
  void quotedValuesTakeJsonEscapesAndBareValuesEndAtSpacesAndBrackets() {
    Filter.Test quoted = (Filter.Test) FilterParser.parse("name eq \"O\\\"Brien, \\u00c9 \\\\ x\"");
    Filter.And bare = (Filter.And) FilterParser.parse("(code eq http://loinc.org|1234-5)and subject[x eq y].z pr true");

    assertThat(quoted.value()).isEqualTo("O\"Brien, É \\ x");
    assertThat(((Filter.Test) bare.terms().get(0)).value()).isEqualTo("http://loinc.org|1234-5");
    Filter.Path path = ((Filter.Test) bare.terms().get(1)).path();
    assertThat(List.of(path.name(), path.next().name())).containsExactly("subject", "z");
    assertThat(path.filter()).isInstanceOf(Filter.Test.class);
  }

  @Test
  void syntaxErrorsSayWhereAndWhy() {
    assertError("name eq", "at character 8 (the end): expected a value");
    assertError("name xx \"a\"", "at character 6 ('xx \"a\"'): 'xx' is not an operator");
    assertError("name", "expected an operator");
    assertError("(name eq a", "expected ')' to close the '('");
    assertError("name eq \"abc", "at character 9 ('\"abc'): the string that starts here has no closing '\"'");
    assertError("name eq a and", "at character 14 (the end): expected a search parameter name");
    assertError("name eq a b eq c", "at character 11 ('b eq c'): expected 'and', 'or' or the end");
    assertError("not name eq a", "expected '(' after 'not'");
    assertError("subject[name eq a] eq b", "expected '.' and a parameter after ']'");
    assertError("name eq \"\\q\"", "'\\q' is not an escape");
    assertError("", "expected a search parameter name");
    assertError("(".repeat(40) + "a eq b" + ")".repeat(40), "nest more than");
  }

  @Test
  void keywordsAreReadInAnyCaseAndNamesThatStartLikeThemAreNames() {
    Filter filter = FilterParser.parse("notes eq a OR orders eq b AnD android eq c");
    Filter negated = FilterParser.parse("NOT(name eq a)");

    assertThat(filter).isInstanceOfSatisfying(Filter.Or.class, or -> {
      assertThat(((Filter.Test) or.terms().get(0)).path().name()).isEqualTo("notes");
      assertThat(or.terms().get(1)).isInstanceOfSatisfying(Filter.And.class, and ->
          assertThat(and.terms()).extracting(term -> ((Filter.Test) term).path().name())
              .containsExactly("orders", "android"));
    });
    assertThat(negated).isInstanceOf(Filter.Not.class);
  }

  @Test
  void operatorsAreReadInAnyCaseAndValuesKeepUnicodeAsWritten() {
    Filter.Test test = (Filter.Test) FilterParser.parse("family CO \"Ström 日本\"");
    Filter.Test bare = (Filter.Test) FilterParser.parse("family eq Ærø");

    assertThat(test.operator()).isEqualTo("co");
    assertThat(test.value()).isEqualTo("Ström 日本");
    assertThat(bare.value()).isEqualTo("Ærø");
  }

  @Test
  void aUnicodeEscapeTakesExactlyFourHexDigits() {
    assertThat(((Filter.Test) FilterParser.parse("name eq \"\\u00e9\\u00C9\"")).value()).isEqualTo("éÉ");

    assertError("name eq \"\\u+0e9\"", "'\\u' needs four hex digits");
    assertError("name eq \"\\u-001\"", "'\\u' needs four hex digits");
    assertError("name eq \"\\u00g9\"", "'\\u' needs four hex digits");
    assertError("name eq \"\\u00\"", "'\\u' needs four hex digits");
  }

  @Test
  void aLongChainOfParametersIsReadWithoutExhaustingTheStack() {
    String chain = "subject" + ".subject".repeat(900) + " eq x";

    Filter.Test test = (Filter.Test) FilterParser.parse(chain);

    int length = 0;
    for (Filter.Path path = test.path(); path != null; path = path.next()) {
      length++;
    }
    assertThat(length).isEqualTo(901);
  }

  @Test
  void aFilterLongerThanTheLimitIsRefusedBeforeItIsRead() {
    String longest = "name eq \"" + "x".repeat(FilterParser.MAX_LENGTH - 10) + "\"";
    String tooLong = longest + " ";

    assertThat(FilterParser.parse(longest)).isInstanceOf(Filter.Test.class);
    assertThatThrownBy(() -> FilterParser.parse(tooLong))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("longer than " + FilterParser.MAX_LENGTH);
  }

  private static void assertError(String filter, String message) {
    assertThatThrownBy(() -> FilterParser.parse(filter)).as(filter)
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageStartingWith("_filter, at character")
        .hasMessageContaining(message);
  }
}
