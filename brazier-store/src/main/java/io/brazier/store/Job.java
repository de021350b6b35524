package io.brazier.store;

import java.time.Instant;

/**
 * A background job as stored: what to do ({@code kind}, {@code request}) and who asked ({@code submitter}), how far it
 * got ({@code done} of {@code total}, and the {@code cursor} to resume from), how it ended ({@code result}, or
 * {@code error} with the HTTP status to answer), and which node holds it until when. {@code request} and
 * {@code cursor} are JSON; {@code submitter} is null when nobody in particular asked.
 */
public record Job(String id, String kind, String request, String submitter, Status status, long done, Long total,
    String cursor, byte[] result, byte[] error, int errorStatus, String owner, Instant leaseUntil, Instant created,
    Instant updated) {

  public enum Status {
    QUEUED, RUNNING, DONE, FAILED, CANCELLED;

    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Status of(String code) {
      return valueOf(code.toUpperCase(java.util.Locale.ROOT));
    }
  }

  public boolean finished() {
    return status == Status.DONE || status == Status.FAILED || status == Status.CANCELLED;
  }
}
