package io.brazier.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * What to ask the change feed for: the changes after {@code since} ({@code since}), at most {@code count}
 * ({@code _count}), of {@code types} (empty: of every type; {@code _type}), waiting up to {@code maxWait} for a first
 * one ({@code _wait}, a long poll; zero: answer at once), with the versions they wrote when {@code resources}, of
 * which only the root {@code elements} named, with {@code id}, {@code meta} and the mandatory ones ({@code _elements},
 * cut by the server; empty: whole).
 */
public record ChangeQuery(long since, Set<String> types, int count, Duration maxWait, boolean resources,
    Set<String> elements) {

  public ChangeQuery {
    types = Set.copyOf(types);
    elements = Set.copyOf(elements);
  }

  /** A query of whole resources, when {@code resources}. */
  public ChangeQuery(long since, Set<String> types, int count, Duration maxWait, boolean resources) {
    this(since, types, count, maxWait, resources, Set.of());
  }

  /** The request's path below the base; lists in order, so that the same query is the same URL. */
  String path() {
    return "$changes?since=" + since + "&_count=" + count + (resources ? "&resources=true" : "")
        + (maxWait.isZero() ? "" : "&_wait=" + maxWait.toSeconds()) + list("_type", types)
        + (resources ? list("_elements", elements) : "");
  }

  private static String list(String name, Set<String> values) {
    return values.isEmpty() ? ""
        : "&" + name + "=" + URLEncoder.encode(String.join(",", new TreeSet<>(values)), StandardCharsets.UTF_8);
  }
}
