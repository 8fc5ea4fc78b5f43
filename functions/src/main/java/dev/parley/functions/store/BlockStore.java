package dev.parley.functions.store;

import java.util.List;
import java.util.Set;

/**
 * Blocks between users (protocol v2): whom a user blocked, who blocked a user, and the flag the
 * send path checks. A user who blocked another receives nothing from them in their direct
 * conversation and is not shown to them as present.
 */
public interface BlockStore {

    /** {@code blocker} blocks {@code blocked}; blocking again changes nothing. */
    void block(String blocker, String blocked, long now);

    /** Lifts the block; lifting one that does not exist changes nothing. */
    void unblock(String blocker, String blocked);

    /** Whether {@code blocker} blocked {@code blocked} (one eventually consistent read). */
    boolean blocks(String blocker, String blocked);

    /** The users {@code blocker} blocked, read strongly consistently. */
    List<String> blocked(String blocker);

    /** The users who blocked {@code userId} (eventually consistent: presence only). */
    Set<String> blockedBy(String userId);
}
