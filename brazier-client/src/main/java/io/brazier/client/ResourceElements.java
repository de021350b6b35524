package io.brazier.client;

import com.fasterxml.jackson.core.filter.TokenFilter;
import java.util.HashSet;
import java.util.Set;

/**
 * Keeps a change feed page whole but for the resources of its entries, of which only the elements of the names given
 * are kept, at any depth below a kept element ({@code resourceType} always). A reader that needs a few elements of
 * each resource then parses a page of a thousand resources without building a tree of each: what is left out is
 * skipped as it is read.
 */
final class ResourceElements extends TokenFilter {
  private final TokenFilter entries = new Entries();
  private final TokenFilter entry = new Entry();
  private final TokenFilter resource;

  ResourceElements(Set<String> names) {
    Set<String> kept = new HashSet<>(names);
    kept.add("resourceType"); // a resource with nothing else kept is still there, not taken for a missing one
    this.resource = new Kept(Set.copyOf(kept));
  }

  @Override
  public TokenFilter includeProperty(String name) {
    return name.equals("entry") ? entries : INCLUDE_ALL;
  }

  private final class Entries extends TokenFilter {
    @Override
    public TokenFilter includeElement(int index) {
      return entry;
    }
  }

  private final class Entry extends TokenFilter {
    @Override
    public TokenFilter includeProperty(String name) {
      return name.equals("resource") ? resource : INCLUDE_ALL;
    }
  }

  private static final class Kept extends TokenFilter {
    private final Set<String> names;

    Kept(Set<String> names) {
      this.names = names;
    }

    @Override
    public TokenFilter includeProperty(String name) {
      return names.contains(name) ? this : null;
    }
  }
}
