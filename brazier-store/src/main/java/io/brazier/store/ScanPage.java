package io.brazier.store;

import java.util.List;

/**
 * A page of a scan as of a sequence, in the scan's order. {@code next} is where the following page starts; null on
 * the last page. A page may hold fewer versions than asked for, even none, before the last: only a null
 * {@code next} ends the scan.
 */
public record ScanPage(List<ResourceVersion> versions, ScanCursor next) {

  public ScanPage {
    versions = List.copyOf(versions);
  }
}
