package io.brazier.sync;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of the active agent (the reader, the workers, back-fill, write-back), and which of them ended on their
 * own. Each waits out what can be waited out; what reaches here cannot (an Error: out of memory, of stack; or an
 * exception nothing expected), so the thread ends, the log says so once with the stack trace, and the agent's health
 * names the part that ended until the agent is restarted, rather than stay up while that part no longer works.
 */
final class EndedThreads {
  private static final Logger log = LoggerFactory.getLogger(EndedThreads.class);

  /** Why each part ended, by the name the health gives it. */
  private final Map<String, String> ended = new LinkedHashMap<>();

  /** Starts a daemon thread of this name that runs {@code body}, the part of the agent called {@code part}. */
  Thread start(String part, String name, Runnable body) {
    Thread thread = new Thread(() -> {
      try {
        body.run();
      } catch (RuntimeException | Error e) {
        ended(part, e);
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private synchronized void ended(String part, Throwable e) {
    String thread = Thread.currentThread().getName();
    ended.putIfAbsent(part, "stopped by " + e + " on " + thread + "; restart the agent (its log has the stack trace)");
    log.error("Sync {} stopped; restart the agent thread={}", part, thread, e);
  }

  /** Why each part ended, by part; empty while all run (or were stopped as asked). */
  synchronized Map<String, String> why() {
    return new LinkedHashMap<>(ended);
  }
}
