package io.brazier.app;

import java.util.Collection;
import java.util.List;

/**
 * What a user most likely meant by a name that is no option or command: the names fewest typing slips from it (a
 * letter missing, extra, wrong, or two letters swapped), if two or fewer. picocli's own guesses, by shared letter
 * pairs, offered --pre-processors and --profiles for --prot.
 */
final class Suggestions {
  private static final int MOST_SLIPS = 2;
  private static final int MOST_SUGGESTIONS = 3;

  private Suggestions() {}

  static List<String> of(String typed, Collection<String> names) {
    int fewest = names.stream().mapToInt(name -> slips(typed, name)).min().orElse(Integer.MAX_VALUE);
    if (fewest > MOST_SLIPS) {
      return List.of();
    }
    return names.stream().filter(name -> slips(typed, name) == fewest).sorted().limit(MOST_SUGGESTIONS).toList();
  }

  /** The optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
  static int slips(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
