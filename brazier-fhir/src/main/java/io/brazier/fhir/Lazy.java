package io.brazier.fhir;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value made on first use rather than at start, once, however many threads ask for it at the same time: for what
 * costs much to make and is often not needed (UCUM's tables, an HTTP client's TLS set-up, parsed definitions). A
 * supplier that fails makes nothing; the next call tries again.
 */
public final class Lazy<T> implements Supplier<T> {
  private final Supplier<? extends T> supplier;
  private volatile T value;

  private Lazy(Supplier<? extends T> supplier) {
    this.supplier = supplier;
  }

  /** @param supplier makes the value, never null; called at most once, under this value's lock */
  public static <T> Lazy<T> of(Supplier<? extends T> supplier) {
    return new Lazy<>(Objects.requireNonNull(supplier));
  }

  @Override
  public T get() {
    T made = value; // read once: the volatile field costs a fence on each read
    if (made == null) {
      synchronized (this) {
        made = value;
        if (made == null) {
          made = Objects.requireNonNull(supplier.get(), "a lazy value's supplier returned null");
          value = made;
        }
      }
    }
    return made;
  }
}
