package io.brazier.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How the loader sends: each value that cannot work is refused naming its flag, and each change keeps the rest. */
class LoaderConfigTest {
  private static final LoaderConfig DEFAULTS = LoaderConfig.defaults();

  @Test
  void theDefaultsSendTwoRequestsPerProcessorInBatchesOf500AndRetryFiveTimes() {
    assertThat(DEFAULTS.concurrency()).isEqualTo(Runtime.getRuntime().availableProcessors() * 2);
    assertThat(DEFAULTS.maxEntries()).isEqualTo(500);
    assertThat(DEFAULTS.bundleSize()).isEqualTo(500);
    assertThat(DEFAULTS.maxRetries()).isEqualTo(5);
    assertThat(DEFAULTS.retryBase()).isEqualTo(Duration.ofSeconds(1));
    assertThat(DEFAULTS.transformToBatch()).isFalse();
    assertThat(DEFAULTS.strictReferences()).isFalse();
  }

  @Test
  void eachCountThatCannotWorkIsRefusedNamingItsFlag() {
    assertRefused(() -> DEFAULTS.withSending(0, 500, 500), "--concurrency must be at least 1, not 0");
    assertRefused(() -> DEFAULTS.withSending(4, 0, 500), "--max-entries must be at least 1, not 0");
    assertRefused(() -> DEFAULTS.withSending(4, 500, -1), "--bundle-size must be at least 1, not -1");
    assertRefused(() -> DEFAULTS.withRetries(-1, Duration.ofSeconds(1)), "--max-retries must be 0 or more, not -1");
  }

  @Test
  void aNegativeRetryBaseOrSettleIsRefusedNamingThatFlagAlone() {
    assertRefused(() -> DEFAULTS.withRetries(5, Duration.ofSeconds(-1)), "--retry-base must be 0 or more, not PT-1S");
    assertRefused(() -> DEFAULTS.withSettle(Duration.ofMillis(-500)), "--settle must be 0 or more, not PT-0.5S");
  }

  @Test
  void noRetriesAndNoWaitAreAllowed() {
    LoaderConfig impatient = DEFAULTS.withRetries(0, Duration.ZERO).withSettle(Duration.ZERO);

    assertThat(impatient.maxRetries()).isZero();
    assertThat(impatient.retryBase()).isZero();
    assertThat(impatient.settle()).isZero();
  }

  @Test
  void eachChangeKeepsTheOtherValues() {
    LoaderConfig changed = DEFAULTS.withSending(3, 100, 50).withModes(true, true)
        .withRetries(2, Duration.ofMillis(250)).withSettle(Duration.ofSeconds(9)).withMaxBundleBytes(1000);

    assertThat(changed).isEqualTo(new LoaderConfig(3, 100, 50, 2, Duration.ofMillis(250), true, true,
        Duration.ofSeconds(9), 1000));
  }

  private static void assertRefused(Runnable make, String message) {
    assertThatThrownBy(make::run).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }
}
