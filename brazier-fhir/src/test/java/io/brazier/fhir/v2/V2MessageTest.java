package io.brazier.fhir.v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import org.junit.jupiter.api.Test;

/**
 * HL7 v2 messages read as the standard's chapter 2 encodes them: segments, fields, repetitions, components and
 * subcomponents, with the delimiters MSH-1 and MSH-2 declare and the escape sequences that stand for them.
 */
class V2MessageTest {

  @Test
  void fieldsRepetitionsComponentsAndSubcomponentsAreReadByTheirOneBasedPositions() {
    V2Message message = V2Message.parse("MSH|^~\\&|LAB|NORTH|EHR|SOUTH|20260301120000||ORU^R01^ORU_R01|C-17|P|2.5\r"
        + "PID|1||4711^^^NORTH^MR~88-22^^^STATE^SS||Quill^Ada^May||19800214|F|||12 Elm St&Unit 4^^Springfield");

    Segment pid = message.first("PID").orElseThrow();
    assertThat(message.segments()).extracting(Segment::name).containsExactly("MSH", "PID");
    assertThat(pid.field(3).repetitions()).hasSize(2);
    assertThat(pid.field(3).repetitions().get(1).component(1)).isEqualTo("88-22");
    assertThat(pid.field(3).first().component(4)).isEqualTo("NORTH");
    assertThat(pid.value(5, 2)).isEqualTo("Ada");
    assertThat(pid.value(7)).isEqualTo("19800214");
    assertThat(pid.field(11).first().subcomponent(1, 2)).isEqualTo("Unit 4");
    assertThat(pid.field(11).first().component(1)).isEqualTo("12 Elm St");
    assertThat(pid.value(40)).isNull();
    assertThat(pid.field(2).isEmpty()).isTrue();
  }

  @Test
  void mshCountsItsFieldSeparatorAsMsh1AndItsEncodingCharactersAsMsh2() {
    V2Message message = V2Message.parse("MSH|^~\\&|LAB|NORTH|EHR|SOUTH|20260301120000||ADT^A01|C-18|P|2.5");

    Segment msh = message.msh();
    assertThat(msh.value(1)).isEqualTo("|");
    assertThat(msh.value(2)).isEqualTo("^~\\&");
    assertThat(msh.value(3)).isEqualTo("LAB");
    assertThat(msh.value(9, 2)).isEqualTo("A01");
    assertThat(msh.value(10)).isEqualTo("C-18");
  }

  @Test
  void otherDelimitersDeclaredInMshAreUsed() {
    V2Message message = V2Message.parse("MSH#$*!@#LAB\nPID#1##4711$$$NORTH*4712#");

    Segment pid = message.first("PID").orElseThrow();
    assertThat(pid.field(3).repetitions()).hasSize(2);
    assertThat(pid.value(3, 4)).isEqualTo("NORTH");
    assertThat(pid.field(3).repetitions().get(1).component(1)).isEqualTo("4712");
  }

  @Test
  void escapeSequencesStandForTheDelimitersAndHexadecimalData() {
    V2Message message = V2Message.parse("MSH|^~\\&|LAB\r\n"
        + "NTE|1||a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f \\X4869\\ \\X C3A9\\ x\\.br\\y \\H\\bold\\N\\ \\Q\\\r\n");

    assertThat(message.first("NTE").orElseThrow().value(3))
        .isEqualTo("a|b^c&d~e\\f Hi \\X C3A9\\ x\ny bold \\Q\\");
  }

  @Test
  void hexadecimalDataIsReadAsUtf8WhenItIsUtf8() {
    V2Message message = V2Message.parse("MSH|^~\\&|LAB\rNTE|1||Z\\XC3BC\\rich");

    assertThat(message.first("NTE").orElseThrow().value(3)).isEqualTo("Zürich");
  }

  @Test
  void segmentsAreSeparatedByCarriageReturnsNewlinesOrBothAndBlankLinesAreSkipped() {
    V2Message message = V2Message.parse("\uFEFFMSH|^~\\&|A\r\rPID|1\n\nPV1|1|I\r\nOBX|1\r\n");

    assertThat(message.segments()).extracting(Segment::name).containsExactly("MSH", "PID", "PV1", "OBX");
    assertThat(message.all("PV1")).hasSize(1);
    assertThat(message.all("OBR")).isEmpty();
  }

  @Test
  void textThatIsNotAV2MessageIsA400SayingWhatToFix() {
    assertBadRequest("", "is empty");
    assertBadRequest("PID|1||4711", "must begin with an MSH segment");
    assertBadRequest("{\"resourceType\":\"Patient\"}", "must begin with an MSH segment");
    assertBadRequest("MSH", "MSH-1");
    assertBadRequest("MSHA^~\\&|x", "MSH-1");
    assertBadRequest("MSH|^^\\&|x", "MSH-2");
    assertBadRequest("MSH|^~\\&|x\rPI|1", "Segment 2");
    assertBadRequest("MSH|^~\\&|x\rpid|1", "Segment 2");
  }

  private static void assertBadRequest(String text, String message) {
    assertThatThrownBy(() -> V2Message.parse(text)).isInstanceOfSatisfying(FhirException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.getMessage()).contains(message);
    });
  }
}
