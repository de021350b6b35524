package io.brazier.loader.send;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Orders the entries of a batch so that none is sent before, or with, an entry it refers to: a batch's entries are
 * independent requests, and a server that checks references (Brazier, HAPI) refuses an Observation whose Patient is
 * in the same batch. Level 0 holds the entries that refer to no other entry, level n those that refer to level n-1 at
 * most; a reference cycle is broken where the walk meets it. Each level is cut into chunks of at most {@code maxEntries}.
 */
final class Levels {
  private Levels() {}

  /** The chunks to send, level by level: every chunk of a level may go at once, after the level before. */
  static List<List<List<Item>>> of(List<Item> items, int maxEntries) {
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i).writes() != null) {
        position.putIfAbsent(items.get(i).writes(), i);
      }
    }
    List<Set<Integer>> dependencies = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      dependencies.add(dependencies(items.get(i), i, position));
    }
    int[] level = new int[items.size()];
    int[] state = new int[items.size()]; // 0 not seen, 1 in progress (a cycle if met again), 2 done
    int deepest = 0;
    for (int i = 0; i < items.size(); i++) {
      deepest = Math.max(deepest, level(i, dependencies, level, state));
    }
    List<List<List<Item>>> levels = new ArrayList<>();
    for (int l = 0; l <= deepest && !items.isEmpty(); l++) {
      List<Item> members = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        if (level[i] == l) {
          members.add(items.get(i));
        }
      }
      if (!members.isEmpty()) {
        levels.add(chunks(members, maxEntries));
      }
    }
    return levels;
  }

  private static Set<Integer> dependencies(Item item, int self, Map<String, Integer> position) {
    Set<Integer> found = new HashSet<>();
    if (item.resource() != null && !position.isEmpty()) {
      Json.references(item.resource(), reference -> {
        int history = reference.indexOf("/_history/");
        Integer other = position.get(history < 0 ? reference : reference.substring(0, history));
        if (other != null && other != self) {
          found.add(other);
        }
      });
    }
    return found;
  }

  /** Depth-first, iterative so that a long chain of references cannot overflow the stack. */
  private static int level(int start, List<Set<Integer>> dependencies, int[] level, int[] state) {
    if (state[start] == 2) {
      return level[start];
    }
    List<Integer> stack = new ArrayList<>(List.of(start));
    state[start] = 1;
    while (!stack.isEmpty()) {
      int node = stack.get(stack.size() - 1);
      Integer next = null;
      for (int dependency : dependencies.get(node)) {
        if (state[dependency] == 0) {
          next = dependency;
          break;
        }
      }
      if (next != null) {
        state[next] = 1;
        stack.add(next);
        continue;
      }
      int deepest = -1;
      for (int dependency : dependencies.get(node)) {
        if (state[dependency] == 2) {
          deepest = Math.max(deepest, level[dependency]);
        }
      }
      level[node] = deepest + 1;
      state[node] = 2;
      stack.remove(stack.size() - 1);
    }
    return level[start];
  }

  private static List<List<Item>> chunks(List<Item> members, int maxEntries) {
    List<List<Item>> chunks = new ArrayList<>();
    for (int from = 0; from < members.size(); from += maxEntries) {
      chunks.add(members.subList(from, Math.min(members.size(), from + maxEntries)));
    }
    return chunks;
  }
}
