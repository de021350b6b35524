package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import io.brazier.server.interaction.Admission.Permit;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The budget of bundle bytes in flight: a bundle waits until the others leave room for it. */
class AdmissionTest {
  private static final long KIB = 1024;

  private final Admission admission = new Admission(10 * KIB);

  @Test
  void bundlesThatFitTogetherRunTogether() throws Exception {
    Permit first = admission.admit(4 * KIB);

    CompletableFuture<Permit> second = admitElsewhere(6 * KIB);

    assertThat(second).isDone();
    second.get().close();
    first.close();
  }

  @Test
  void aBundleWaitsUntilAnotherLeavesRoomForIt() throws Exception {
    Permit first = admission.admit(6 * KIB);
    CompletableFuture<Permit> second = admitElsewhere(6 * KIB);

    assertThat(second).isNotDone();
    first.close();

    second.get(10, TimeUnit.SECONDS).close();
  }

  @Test
  void aBundleLargerThanTheBudgetRunsAloneOnceTheOthersAreDone() throws Exception {
    Permit small = admission.admit(KIB);
    CompletableFuture<Permit> huge = admitElsewhere(1000 * KIB);
    assertThat(huge).isNotDone();

    small.close();
    Permit alone = huge.get(10, TimeUnit.SECONDS);
    CompletableFuture<Permit> tiny = admitElsewhere(1);

    assertThat(tiny).as("a tiny bundle beside the huge one").isNotDone();
    alone.close();
    tiny.get(10, TimeUnit.SECONDS).close();
  }

  @Test
  void anInterruptedWaitIsAServiceUnavailable() throws Exception {
    Permit all = admission.admit(10 * KIB);
    Thread.currentThread().interrupt();

    assertThatThrownBy(() -> admission.admit(KIB))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(503));
    assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
    all.close();
  }

  /** Asks for room on another thread, and returns once that thread waits for it (or has it). */
  private CompletableFuture<Permit> admitElsewhere(long bytes) throws InterruptedException {
    AtomicReference<Thread> thread = new AtomicReference<>();
    CompletableFuture<Permit> permit = CompletableFuture.supplyAsync(() -> {
      thread.set(Thread.currentThread());
      return admission.admit(bytes);
    });
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!permit.isDone() && (thread.get() == null || thread.get().getState() != Thread.State.WAITING)) {
      assertThat(System.nanoTime()).as("the admission waits or is done").isLessThan(deadline);
      Thread.sleep(5);
    }
    return permit;
  }
}
