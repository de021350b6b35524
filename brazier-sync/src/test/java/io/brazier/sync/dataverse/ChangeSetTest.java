package io.brazier.sync.dataverse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The $batch format the agent writes, and how it reads the service's answer (the service's tests send it for real). */
class ChangeSetTest {

  @Test
  void aChangeSetIsOneMultipartPartOfTheBatchWithARequestPerPart() {
    ChangeSet changeSet = new ChangeSet();
    changeSet.add(new ChangeSet.Request("PATCH", "contacts(msemr_azurefhirid='1')", "{\"lastname\":\"A\"}"));
    changeSet.add(new ChangeSet.Request("DELETE", "msemr_medicalidentifiers(00000000-0000-0000-0000-000000000001)",
        null));

    String body = changeSet.body("https://org.crm.dynamics.com/api/data/v9.2/", "batch_1");

    assertThat(body).startsWith("--batch_1\r\nContent-Type: multipart/mixed; boundary=changeset_")
        .contains("Content-ID: 1\r\n\r\nPATCH https://org.crm.dynamics.com/api/data/v9.2/contacts(msemr_azurefhirid='1')"
            + " HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{\"lastname\":\"A\"}\r\n--changeset_")
        .contains("Content-ID: 2\r\n\r\nDELETE https://org.crm.dynamics.com/api/data/v9.2/msemr_medicalidentifiers("
            + "00000000-0000-0000-0000-000000000001) HTTP/1.1\r\n\r\n\r\n--changeset_")
        .endsWith("--\r\n--batch_1--\r\n");
  }

  @Test
  void theFirstFailingPartOfAnAnswerIsItsStatusAndError() {
    String answer = "--batchresponse_1\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n\r\n"
        + "--batchresponse_1\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 404 Not Found\r\n"
        + "Content-Type: application/json\r\n\r\n{\"error\":{\"code\":\"0x80040217\",\"message\":\"gone\"}}\r\n"
        + "--batchresponse_1--\r\n";

    ChangeSet.Failure failure = ChangeSet.failure(answer);

    assertThat(failure.status()).isEqualTo(404);
    assertThat(failure.body()).isEqualTo("{\"error\":{\"code\":\"0x80040217\",\"message\":\"gone\"}}");
    assertThat(ChangeSet.failure("--b\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n--b--")).isNull();
  }
}
