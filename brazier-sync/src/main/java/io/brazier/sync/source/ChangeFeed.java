package io.brazier.sync.source;

import io.brazier.client.ChangeFeedException;
import io.brazier.client.ChangePage;
import io.brazier.client.ChangeQuery;
import io.brazier.client.FhirClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The change feed as the agent reads it: pages of the synced types ({@code _type}), carrying the versions written
 * ({@code resources=true}), waiting up to {@code wait} for a first one ({@code _wait}, a long poll). A change without
 * its resource (a deletion) is read by the caller; a failure is a {@link SourceException}, and a position the feed
 * no longer keeps a {@link FeedGone}.
 */
public final class ChangeFeed implements Feed {
  /** Where a 410's OperationOutcome says to follow the feed from, once everything is read again. */
  private static final Pattern FOLLOW_FROM = Pattern.compile("\\$changes\\?since=(\\d+)");

  private final io.brazier.client.ChangeFeed feed;
  private final int count;
  private final Duration wait;

  public ChangeFeed(FhirClient fhir, int count, Duration wait) {
    this.feed = new io.brazier.client.ChangeFeed(fhir);
    this.count = count;
    this.wait = wait;
  }

  /**
   * The changes after {@code since} of {@code types}; with no types, none, but the position still moves on (read
   * without resources, as nothing is synced).
   *
   * @throws FeedGone when the feed no longer holds the changes after {@code since}
   */
  @Override
  public ChangePage read(long since, Set<String> types) throws SourceException {
    try {
      ChangePage page = feed.read(new ChangeQuery(since, types, count, wait, !types.isEmpty()));
      return types.isEmpty() ? new ChangePage(List.of(), page.next(), page.full()) : page;
    } catch (ChangeFeedException e) {
      if (e.status() == 410) {
        Matcher latest = FOLLOW_FROM.matcher(e.diagnostics());
        throw new FeedGone(e.diagnostics(), latest.find() ? Long.valueOf(latest.group(1)) : null);
      }
      throw new SourceException(e.status(), e.getMessage());
    }
  }
}
