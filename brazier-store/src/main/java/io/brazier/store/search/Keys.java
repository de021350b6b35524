package io.brazier.store.search;

import java.util.List;

/** The compact keys the index tables hold: of resource types and of (type, search parameter) pairs. */
public interface Keys {
  short type(String type);

  /** Keys of parameter {@code code} of each of {@code types} (of every type when empty) that has one. */
  Integer[] params(List<String> types, String code);
}
