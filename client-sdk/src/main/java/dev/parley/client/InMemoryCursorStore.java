package dev.parley.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default {@link CursorStore}: lives as long as the object. Pass the same instance to a new
 * client to resume where an earlier client of this process stopped.
 */
public final class InMemoryCursorStore implements CursorStore {
    private final Map<String, Long> cursors = new ConcurrentHashMap<>();
    private volatile String syncPosition = "";

    @Override
    public Map<String, Long> load() {
        return Map.copyOf(cursors);
    }

    @Override
    public void save(String conversationId, long seq) {
        cursors.merge(conversationId, seq, Math::max);
    }

    @Override
    public String loadSyncPosition() {
        return syncPosition;
    }

    @Override
    public void saveSyncPosition(String position) {
        syncPosition = position;
    }
}
