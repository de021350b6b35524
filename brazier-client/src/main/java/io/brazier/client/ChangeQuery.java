package io.brazier.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * What to ask the change feed for: the changes after {@code since} ({@code since}), at most {@code count}
 * ({@code _count}), of {@code types} (empty: of every type; {@code _type}), waiting up to {@code maxWait} for a first
 * one ({@code _wait}, a long poll; zero: answer at once), with the versions they wrote when {@code resources}.
 */
public record ChangeQuery(long since, Set<String> types, int count, Duration maxWait, boolean resources) {

  public ChangeQuery {
    types = Set.copyOf(types);
  }

  /** The request's path below the base; types in order, so that the same query is the same URL. */
  String path() {
    return "$changes?since=" + since + "&_count=" + count + (resources ? "&resources=true" : "")
        + (maxWait.isZero() ? "" : "&_wait=" + maxWait.toSeconds())
        + (types.isEmpty() ? ""
            : "&_type=" + URLEncoder.encode(String.join(",", new TreeSet<>(types)), StandardCharsets.UTF_8));
  }
}
