package io.brazier.proxy.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.proxy.MutableClock;
import io.brazier.proxy.SecuredServer;
import io.brazier.server.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import io.brazier.testkit.Parallel;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The client assertions used, in the database: a replay to any node is refused, even one sent at the same time. */
class AssertionLedgerTest {
  private static final DataSource DATABASE = database();
  private static final Instant IN_FIVE_MINUTES = Instant.now().plusSeconds(300);

  private static DataSource database() {
    SecuredServer.shared(); // made the proxy's tables
    return TestServer.shared().database().dataSource();
  }

  @Test
  void anAssertionIsUsedOnceByItsClientAndItsJtiMeansNothingToAnother() {
    AssertionLedger ledger = new AssertionLedger(DATABASE, Clock.systemUTC());
    String jti = UUID.randomUUID().toString();

    assertThat(ledger.firstUse("client-a", jti, IN_FIVE_MINUTES)).isTrue();
    assertThat(ledger.firstUse("client-a", jti, IN_FIVE_MINUTES)).isFalse();
    assertThat(new AssertionLedger(DATABASE, Clock.systemUTC()).firstUse("client-a", jti, IN_FIVE_MINUTES))
        .as("on another node").isFalse();
    assertThat(ledger.firstUse("client-b", jti, IN_FIVE_MINUTES)).isTrue();
  }

  @Test
  void ofOneAssertionSentToEightNodesAtOnceExactlyOneIsTaken() throws Exception {
    int nodes = 8;
    String jti = UUID.randomUUID().toString();
    List<AssertionLedger> ledgers = IntStream.range(0, nodes)
        .mapToObj(node -> new AssertionLedger(DATABASE, Clock.systemUTC())).toList();

    Parallel.Run<Boolean> taken = Parallel.run(nodes, 1,
        (node, use) -> ledgers.get(node).firstUse("racer", jti, IN_FIVE_MINUTES));

    assertThat(taken.mostAtOnce()).as("the uses overlapped").isGreaterThan(1);
    assertThat(taken.results()).hasSize(nodes).containsOnlyOnce(true);
  }

  @Test
  void expiredAssertionsAreDeletedNowAndThen() {
    MutableClock clock = new MutableClock(Instant.now());
    AssertionLedger ledger = new AssertionLedger(DATABASE, clock);
    String expired = UUID.randomUUID().toString();
    ledger.firstUse("client-c", expired, Instant.now().minusSeconds(60));

    clock.advance(Duration.ofMinutes(11));
    ledger.firstUse("client-c", UUID.randomUUID().toString(), IN_FIVE_MINUTES);

    assertThat(ledger.firstUse("client-c", expired, Instant.now().minusSeconds(60)))
        .as("forgotten once it could no longer be accepted").isTrue();
  }
}
