package io.brazier.sync;

/**
 * Where the agent reads changes and writes rows, when not the defaults (the FHIR server's change feed in, tables of
 * the target database out).
 *
 * @param dataverse the rows go to Dataverse's Web API; the bookkeeping stays in the target database. Null: tables
 * @param queue the changes come from a Kafka topic of {@code sync-queue} messages. Null: the change feed
 */
public record Channels(DataverseConfig dataverse, QueueConfig queue) {

  public static Channels defaults() {
    return new Channels(null, null);
  }
}
