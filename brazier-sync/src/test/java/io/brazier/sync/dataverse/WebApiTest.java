package io.brazier.sync.dataverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.client.ClientCredentials;
import io.brazier.sync.DataverseConfig;
import io.brazier.sync.TestMaps;
import io.brazier.testkit.ClosedPort;
import java.net.URI;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests to a real OData v4 service in Dataverse's shape (Olingo on Jetty, wanting a bearer token): the token
 * fetched once and again when refused, throttling waited out as asked or taken as an outage, and every failure an
 * exception that says what the service said, tells an outage from a refusal, and keeps no query values.
 */
class WebApiTest {
  private static ODataService service;

  @BeforeAll
  static void startTheService() {
    service = ODataService.start(TestMaps.builtIn());
  }

  @AfterAll
  static void stopTheService() throws Exception {
    service.close();
  }

  @Test
  void requestsGoWithOneTokenUntilTheServiceRefusesItThenWithAFreshOne() throws Exception {
    WebApi api = new WebApi(config(service.url(), Duration.ofSeconds(30)));
    int before = service.tokensGiven();

    WebApi.Reply first = api.send("GET", "contacts?$select=contactid", Map.of(), null, false);
    api.send("GET", "contacts?$select=contactid", Map.of(), null, false);
    int afterTwo = service.tokensGiven();
    service.revokeTokens();
    WebApi.Reply afterRevoking = api.send("GET", "contacts?$select=contactid", Map.of(), null, false);

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.contentType()).startsWith("application/json");
    assertThat(first.body()).contains("\"value\"");
    assertThat(afterTwo - before).isOne();
    assertThat(afterRevoking.status()).isEqualTo(200);
    assertThat(service.tokensGiven() - afterTwo).isOne();
  }

  @Test
  void aRefusalIsTheServicesODataErrorWithoutTheQueryAndNoOutage() {
    WebApi withoutToken = new WebApi(new DataverseConfig(service.url(), null, 100, Duration.ofSeconds(30)));

    assertThatThrownBy(() -> withoutToken.send("GET", "contacts?$filter=lastname%20eq%20'Chalmers'", Map.of(), null,
        false)).isInstanceOf(SQLException.class).isNotInstanceOf(SQLTransientConnectionException.class)
        .hasMessage("GET contacts: 401 0x80072243 No valid bearer token");
  }

  @Test
  void aMissingRowIsAnAnswerWhereThatIsFineAndARefusalElsewhere() throws Exception {
    WebApi api = new WebApi(config(service.url(), Duration.ofSeconds(30)));
    String row = "contacts(" + UUID.randomUUID() + ")";

    WebApi.Reply missing = api.send("GET", row, Map.of(), null, true);

    assertThat(missing.status()).isEqualTo(404);
    assertThatThrownBy(() -> api.send("GET", row, Map.of(), null, false))
        .isInstanceOf(SQLException.class).isNotInstanceOf(SQLTransientConnectionException.class)
        .hasMessageStartingWith("GET " + row + ": 404").hasMessageContaining("Does Not Exist");
  }

  @Test
  void aThrottledRequestIsSentAgainAfterTheWaitTheServiceAsks() throws Exception {
    WebApi api = new WebApi(config(service.url(), Duration.ofSeconds(30)));
    api.send("GET", "contacts?$select=contactid", Map.of(), null, false);
    service.throttle(1);
    long started = System.nanoTime();

    WebApi.Reply reply = api.send("GET", "contacts?$select=contactid", Map.of(), null, false);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("Retry-After: 1")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aWaitLongerThanTheAgentTakesIsAnOutage() {
    WebApi api = new WebApi(config(service.url(), Duration.ZERO));
    service.throttle(1);

    assertThatThrownBy(() -> api.send("GET", "contacts?$select=contactid", Map.of(), null, false))
        .isInstanceOf(SQLTransientConnectionException.class)
        .hasMessage("Dataverse throttles the agent for 1 s, longer than 0 s");
  }

  @Test
  void aServiceThatDoesNotAnswerIsAnOutageNamingItsUrl() throws Exception {
    URI closed = ClosedPort.url("/api/data/v9.2/");
    WebApi api = new WebApi(new DataverseConfig(closed, null, 100, Duration.ofSeconds(30)));

    assertThatThrownBy(() -> api.send("GET", "contacts", Map.of(), null, false))
        .isInstanceOf(SQLTransientConnectionException.class)
        .hasMessageStartingWith("Dataverse at " + closed + " could not be reached");
  }

  private static DataverseConfig config(URI url, Duration longestWait) {
    return new DataverseConfig(url, new ClientCredentials.Config(service.tokenUrl(), ODataService.CLIENT_ID,
        ODataService.CLIENT_SECRET, "https://org.crm.dynamics.com/.default", null), 100, longestWait);
  }
}
