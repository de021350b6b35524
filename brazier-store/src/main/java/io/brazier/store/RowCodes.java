package io.brazier.store;

import java.util.List;

/**
 * The codes of the index rows that answer a search on a parameter of a type. Most parameters have rows of their
 * own; a parameter whose values are exactly those of others (a union of their expressions) is answered by theirs,
 * so that its values are not indexed twice. The search registry decides which; a store searches accordingly.
 */
@FunctionalInterface
public interface RowCodes {
  /** Every parameter answered by its own rows: for a store whose writers index every parameter. */
  RowCodes OWN = (type, code) -> List.of(code);

  /**
   * The codes whose rows answer {@code code} (as index rows name it, suffix included: {@code code:text},
   * {@code contained:Type:code}) on resources of {@code type}.
   */
  List<String> of(String type, String code);
}
