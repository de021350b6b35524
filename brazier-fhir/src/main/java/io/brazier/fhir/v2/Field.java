package io.brazier.fhir.v2;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** A field of a segment: its repetitions ({@code ~}), none when the field is empty or absent. */
public final class Field {
  private final List<Composite> repetitions;
  private final Delimiters delimiters;

  Field(String raw, Delimiters delimiters) {
    this.delimiters = delimiters;
    this.repetitions = raw.isEmpty() ? List.of() : Delimiters.split(raw, delimiters.repetition()).stream()
        .map(repetition -> new Composite(repetition, delimiters)).toList();
  }

  public List<Composite> repetitions() {
    return repetitions;
  }

  /** The first repetition; an empty one when the field has none, so that its components read as null. */
  public Composite first() {
    return repetitions.isEmpty() ? new Composite("", delimiters) : repetitions.get(0);
  }

  public boolean isEmpty() {
    return repetitions.stream().allMatch(Composite::isEmpty);
  }

  /** Each repetition mapped, those that map to nothing (null) left out. */
  public <T> List<T> map(Function<Composite, T> mapping) {
    return repetitions.stream().map(mapping).filter(Objects::nonNull).toList();
  }
}
