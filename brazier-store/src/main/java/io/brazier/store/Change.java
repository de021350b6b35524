package io.brazier.store;

import java.time.Instant;

/**
 * One entry of the change feed: a write of {@code type/id} at {@code version}, numbered in commit order.
 *
 * @param source the {@code meta.source} of the version written (for a deletion, of the caller that deleted), or null
 * @param resource the JSON of the version written when the reader asked for it ({@link ChangeQuery#resources}); null
 *     otherwise, and for a deletion
 * @param createdByPut the change created its resource by PUT [type]/[id], not POST [type]; false for any other change
 */
public record Change(long sequence, String type, String id, int version, Action action, Instant at, String source,
    byte[] resource, boolean createdByPut) {

  public enum Action {
    CREATE('C'), UPDATE('U'), DELETE('D');

    private final char code;

    Action(char code) {
      this.code = code;
    }

    public char code() {
      return code;
    }

    /** The write that stored a version: the first one creates, a deletion deletes, any other updates. */
    public static Action of(int version, boolean deleted) {
      if (deleted) {
        return DELETE;
      }
      return version == 1 ? CREATE : UPDATE;
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
