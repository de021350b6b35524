package io.brazier.store;

import java.time.Instant;

/** One entry of the change feed: a write of {@code type/id} at {@code version}, numbered in commit order. */
public record Change(long sequence, String type, String id, int version, Action action, Instant at) {

  public enum Action {
    CREATE('C'), UPDATE('U'), DELETE('D');

    private final char code;

    Action(char code) {
      this.code = code;
    }

    public char code() {
      return code;
    }

    public static Action of(char code) {
      for (Action action : values()) {
        if (action.code == code) {
          return action;
        }
      }
      throw new IllegalArgumentException("Unknown change action " + code);
    }
  }
}
