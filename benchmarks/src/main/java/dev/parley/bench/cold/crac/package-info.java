/**
 * A checkpoint coordinator for the cold-start driver, in the shape the {@code org.crac} API binds to
 * when a JVM names it with {@code -Dorg.crac.Core.Compat=dev.parley.bench.cold.crac}: the functions
 * register their SnapStart hooks through {@code org.crac} exactly as on Lambda, and
 * {@link dev.parley.bench.cold.crac.Core#checkpointRestore()} runs them as Lambda's runtime does when
 * it publishes a version (before the snapshot) and when it restores one (after). No snapshot is
 * taken: the same JVM goes on, which is what a restored one looks like to the code.
 */
package dev.parley.bench.cold.crac;
