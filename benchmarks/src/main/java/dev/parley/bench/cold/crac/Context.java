package dev.parley.bench.cold.crac;

/** What {@code org.crac.Context} is bound to. */
public abstract class Context<R extends Resource> implements Resource {
    public abstract void register(R resource);
}
