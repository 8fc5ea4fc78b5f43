package dev.parley.functions.support.memory;

import dev.parley.functions.store.BlockStore;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** {@link BlockStore} in memory, for service tests (the send path's check is pinned against DynamoDB Local). */
public final class InMemoryBlockStore implements BlockStore {
    /** blocker -> blocked */
    private final Map<String, Set<String>> blocks = new ConcurrentHashMap<>();

    @Override
    public synchronized void block(String blocker, String blocked, long now) {
        blocks.computeIfAbsent(blocker, b -> new LinkedHashSet<>()).add(blocked);
    }

    @Override
    public synchronized void unblock(String blocker, String blocked) {
        blocks.getOrDefault(blocker, new LinkedHashSet<>()).remove(blocked);
    }

    @Override
    public synchronized boolean blocks(String blocker, String blocked) {
        return blocks.getOrDefault(blocker, Set.of()).contains(blocked);
    }

    @Override
    public synchronized List<String> blocked(String blocker) {
        return List.copyOf(blocks.getOrDefault(blocker, Set.of()));
    }

    @Override
    public synchronized Set<String> blockedBy(String userId) {
        Set<String> by = new LinkedHashSet<>();
        blocks.forEach((blocker, blocked) -> {
            if (blocked.contains(userId)) {
                by.add(blocker);
            }
        });
        return by;
    }
}
