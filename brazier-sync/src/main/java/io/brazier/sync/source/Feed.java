package io.brazier.sync.source;

import io.brazier.client.ChangePage;
import java.util.Set;

/** Where the agent reads changes from: a page of the changes of {@code types} after position {@code since}. */
public interface Feed {

  /**
   * @throws FeedGone when the changes after {@code since} cannot be read: everything is to be read again (back-filled)
   *     and the feed followed from the position it names
   */
  ChangePage read(long since, Set<String> types) throws SourceException;
}
