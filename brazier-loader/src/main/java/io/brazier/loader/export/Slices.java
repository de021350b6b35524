package io.brazier.loader.export;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits the resources of a type last updated in {@code [since, till)} into slices of about equal counts, so that
 * parallel searches share the work: a window holding more than its share is halved in time, and counted, until
 * every window holds at most a share (or is narrower than twice the resolution); consecutive windows are then joined into at most
 * {@code parallel} slices. Each halving costs one {@code _summary=count} search. Bounds are half-open ({@code
 * ge start}, {@code lt end}), so a resource falls into exactly one slice.
 */
final class Slices {
  /** A span of time ({@code start} null: from the beginning) and how many resources were updated in it. */
  record Window(Instant start, Instant end, long count) {
    String search(String type) {
      return type + "?" + (start == null ? "" : "_lastUpdated=ge" + start + "&") + "_lastUpdated=lt" + end;
    }
  }

  private final Pages pages;
  private final String type;
  private final Duration resolution;

  Slices(Pages pages, String type, Duration resolution) {
    this.pages = pages;
    this.type = type;
    this.resolution = resolution;
  }

  List<Window> of(Instant since, Instant till, int parallel) throws SearchFailed {
    Window all = new Window(since, till, parallel == 1 ? 0 : pages.count(new Window(since, till, 0).search(type)));
    if (parallel == 1 || all.count() == 0) {
      return List.of(all);
    }
    long share = (all.count() + parallel - 1) / parallel;
    List<Window> windows = new ArrayList<>();
    refine(all, share, windows);
    return join(windows, all.count(), parallel);
  }

  private void refine(Window window, long share, List<Window> windows) throws SearchFailed {
    Instant start = window.start() == null ? Instant.EPOCH : window.start();
    Duration width = Duration.between(start, window.end());
    if (window.count() <= share || width.compareTo(resolution.multipliedBy(2)) < 0) {
      windows.add(window);
      return;
    }
    Instant middle = start.plus(halfOn(width, resolution));
    long before = pages.count(new Window(window.start(), middle, 0).search(type));
    refine(new Window(window.start(), middle, before), share, windows);
    refine(new Window(middle, window.end(), Math.max(0, window.count() - before)), share, windows);
  }

  /** Half the width, rounded down to a multiple of the resolution (the width is at least two of them). */
  static Duration halfOn(Duration width, Duration resolution) {
    long steps = width.toMillis() / resolution.toMillis();
    return resolution.multipliedBy(Math.max(1, steps / 2));
  }

  /** Consecutive windows into slices: a window goes to the slice its middle resource falls in. */
  static List<Window> join(List<Window> windows, long total, int parallel) {
    List<Window> slices = new ArrayList<>();
    long before = 0;
    int current = -1;
    for (Window window : windows) {
      int slice = (int) Math.min(parallel - 1, (before + window.count() / 2) * parallel / Math.max(total, 1));
      if (slice == current || slices.isEmpty()) {
        Window last = slices.isEmpty() ? null : slices.remove(slices.size() - 1);
        slices.add(last == null ? window : new Window(last.start(), window.end(), last.count() + window.count()));
      } else {
        slices.add(window);
      }
      current = slice;
      before += window.count();
    }
    return slices;
  }
}
