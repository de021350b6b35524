package io.brazier.fhir;

import java.util.ArrayList;
import java.util.List;

/** Test inputs: every string made of up to {@code most} of the given pieces, so that a scan meets every seam. */
public final class Strings {
  private Strings() {}

  public static List<String> joined(List<String> pieces, int most) {
    List<String> all = new ArrayList<>(List.of(""));
    List<String> last = List.of("");
    for (int length = 1; length <= most; length++) {
      List<String> next = new ArrayList<>();
      for (String start : last) {
        for (String piece : pieces) {
          next.add(start + piece);
        }
      }
      all.addAll(next);
      last = next;
    }
    return all;
  }
}
