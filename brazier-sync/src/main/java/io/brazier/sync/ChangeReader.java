package io.brazier.sync;

/** What hands changes to the workers while the agent is active: the change feed's reader, or the sync queue's. */
interface ChangeReader extends Runnable {

  /** Asks it to stop; the thread that runs it is interrupted and joined after. */
  void stop();
}
