package io.brazier.app;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How a command that runs until it is stopped ends: at SIGTERM or Ctrl-C it closes what it started, then exits. */
final class Stopping {
  private static final Logger log = LoggerFactory.getLogger(Stopping.class);

  private final CountDownLatch stopped = new CountDownLatch(1);

  private Stopping() {}

  /**
   * From now on, a stop of the process runs {@code close} on the shutdown thread, which the process waits for before
   * it exits.
   */
  static Stopping closing(Runnable close) {
    Stopping stopping = new Stopping();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("Shutting down");
      close.run();
      stopping.stopped.countDown();
    }, "brazier-shutdown"));
    return stopping;
  }

  /** Waits until the process is stopped and what it started is closed; returns the command's exit code. */
  int await() throws InterruptedException {
    stopped.await();
    return 0;
  }
}
