package dev.parley.client;

import java.util.Map;

/**
 * Where the client keeps, per conversation, the last seq it has handed to the application
 * (messages and consumed gaps alike). The client loads it once when built and syncs from it on
 * every (re)connect, so a store that survives the process lets a restarted app resume where it
 * stopped instead of starting over from the newest page.
 *
 * <p>{@link #save} is called on the listener thread right after the messages up to that seq were
 * passed to {@link MessageListener#onMessage}: a crash between the two can make the application
 * see those messages again on the next start, never miss them. Applications that store messages
 * themselves get exactly-once across restarts by saving the cursor in the same transaction.
 */
public interface CursorStore {

    /** Every saved cursor, conversationId to seq. An empty map means a new device. */
    Map<String, Long> load();

    /** Records that the application holds everything of the conversation up to {@code seq}. */
    void save(String conversationId, long seq);

    /**
     * The device's position in the user's change log (the v2 {@code sync} cursor, opaque), or
     * {@code ""} for a device that holds nothing. The default keeps no position: every start then
     * lists every conversation once, which the saved cursors make cheap to apply.
     */
    default String loadSyncPosition() {
        return "";
    }

    /**
     * Records the position after a sync round, on the listener thread, once every conversation it
     * listed was delivered up to its newest message and its cursor {@link #save saved}: a crash
     * before this call lists those conversations again on the next start, never skips them.
     */
    default void saveSyncPosition(String position) {}

    static CursorStore inMemory() {
        return new InMemoryCursorStore();
    }
}
