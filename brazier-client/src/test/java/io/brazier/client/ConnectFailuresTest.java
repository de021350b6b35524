package io.brazier.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.nio.channels.UnresolvedAddressException;
import org.junit.jupiter.api.Test;

class ConnectFailuresTest {
  @Test
  void aConnectionRefusedWithoutAMessageSaysSoNamingTheServer() {
    ConnectException bare = new ConnectException();

    ConnectException named = ConnectFailures.named("http://127.0.0.1:8083/", bare);

    assertThat(named).hasMessage("http://127.0.0.1:8083/ refused the connection").hasCause(bare);
  }

  @Test
  void anUnknownHostAnywhereInTheCausesIsNamed() {
    ConnectException bare = new ConnectException();
    bare.initCause(new ConnectException().initCause(new UnresolvedAddressException()));

    assertThat(ConnectFailures.named("http://crm-agent:8083/", bare))
        .hasMessage("the host of http://crm-agent:8083/ is unknown (crm-agent)");
  }
}
