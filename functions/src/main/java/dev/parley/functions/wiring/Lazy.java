package dev.parley.functions.wiring;

import java.util.function.Supplier;

/** A supplier that builds its value once, on first use (clients a handler may never need). */
final class Lazy<T> implements Supplier<T> {
    private final Supplier<T> factory;
    private volatile T value;

    private Lazy(Supplier<T> factory) {
        this.factory = factory;
    }

    static <T> Supplier<T> of(Supplier<T> factory) {
        return factory instanceof Lazy<T> ? factory : new Lazy<>(factory);
    }

    @Override
    public T get() {
        T current = value;
        if (current == null) {
            synchronized (this) {
                current = value;
                if (current == null) {
                    value = current = factory.get();
                }
            }
        }
        return current;
    }
}
