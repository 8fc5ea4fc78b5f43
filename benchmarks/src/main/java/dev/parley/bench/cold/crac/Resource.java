package dev.parley.bench.cold.crac;

/** What {@code org.crac.Resource} is bound to. */
public interface Resource {
    void beforeCheckpoint(Context<? extends Resource> context) throws Exception;

    void afterRestore(Context<? extends Resource> context) throws Exception;
}
