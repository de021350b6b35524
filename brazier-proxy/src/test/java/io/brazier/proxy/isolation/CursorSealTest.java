package io.brazier.proxy.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.proxy.SecuredServer;
import io.brazier.server.TestServer;
import java.util.Base64;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Paging cursors sealed with the key in the database: any node opens what another sealed, for what it was sealed to
 * only; a changed, borrowed or made-up cursor opens to nothing, and a sealed one shows nothing of what it holds.
 */
class CursorSealTest {
  private static final DataSource DATABASE = database();
  private final CursorSeal seal = CursorSeal.of(DATABASE);

  private static DataSource database() {
    SecuredServer.shared(); // made the proxy's tables
    return TestServer.shared().database().dataSource();
  }

  @Test
  void aCursorOpensForWhatItWasSealedToOnAnyNode() {
    String sealed = seal.seal("offset=40", "caller-a|Observation?code=x");

    assertThat(CursorSeal.of(DATABASE).open(sealed, "caller-a|Observation?code=x")).hasValue("offset=40");
  }

  @Test
  void aCursorSealedToOneCallerDoesNotOpenForAnother() {
    String sealed = seal.seal("offset=40", "caller-a|Observation?code=x");

    assertThat(seal.open(sealed, "caller-b|Observation?code=x")).isEmpty();
    assertThat(seal.open(sealed, "caller-a|Observation?code=y")).isEmpty();
  }

  @Test
  void aChangedCursorDoesNotOpen() {
    byte[] bytes = Base64.getUrlDecoder().decode(seal.seal("offset=40", "binding"));
    bytes[bytes.length - 1] ^= 1;

    assertThat(seal.open(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), "binding")).isEmpty();
  }

  @Test
  void madeUpCursorsOpenToNothingWithoutFailing() {
    assertThat(seal.open("", "binding")).isEmpty();
    assertThat(seal.open("not base64 !", "binding")).isEmpty();
    assertThat(seal.open("AAAA", "binding")).as("shorter than a nonce").isEmpty();
    assertThat(seal.open("A".repeat(64), "binding")).isEmpty();
  }

  @Test
  void theSameCursorSealedTwiceLooksDifferentAndShowsNothingOfItself() {
    String once = seal.seal("offset=40", "binding");
    String twice = seal.seal("offset=40", "binding");

    assertThat(once).isNotEqualTo(twice).doesNotContain("offset").matches("[A-Za-z0-9_-]+");
  }
}
