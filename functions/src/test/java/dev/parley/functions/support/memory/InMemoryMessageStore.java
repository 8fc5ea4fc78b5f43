package dev.parley.functions.support.memory;

import dev.parley.functions.store.MessageStore;
import dev.parley.model.domain.Gap;
import dev.parley.model.domain.Message;
import dev.parley.model.domain.TimelineEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** {@link MessageStore} in memory: each seq written once, as the DynamoDB adapter's condition ensures. */
public final class InMemoryMessageStore implements MessageStore {
    private final Map<String, NavigableMap<Long, TimelineEntry>> timelines = new ConcurrentHashMap<>();

    private NavigableMap<Long, TimelineEntry> timeline(String conversationId) {
        return timelines.computeIfAbsent(conversationId, c -> new ConcurrentSkipListMap<>());
    }

    @Override
    public Optional<TimelineEntry> putIfAbsent(Message message, String originConnectionId) {
        return Optional.ofNullable(timeline(message.conversationId()).putIfAbsent(message.seq(), message));
    }

    @Override
    public Optional<TimelineEntry> putIfAbsent(Gap gap) {
        return Optional.ofNullable(timeline(gap.conversationId()).putIfAbsent(gap.seq(), gap));
    }

    @Override
    public Optional<TimelineEntry> get(String conversationId, long seq) {
        return Optional.ofNullable(timeline(conversationId).get(seq));
    }

    @Override
    public List<TimelineEntry> range(String conversationId, long fromSeq, long toSeq, int limit, boolean ascending) {
        if (fromSeq > toSeq) {
            return List.of();
        }
        NavigableMap<Long, TimelineEntry> range = timeline(conversationId).subMap(fromSeq, true, toSeq, true);
        List<TimelineEntry> entries = new ArrayList<>((ascending ? range : range.descendingMap()).values());
        return entries.subList(0, Math.min(limit, entries.size()));
    }

    @Override
    public long countFromOthers(String conversationId, long afterSeq, long upToSeq, String userId) {
        if (afterSeq >= upToSeq) {
            return 0;
        }
        return timeline(conversationId).subMap(afterSeq, false, upToSeq, true).values().stream()
                .filter(entry -> entry instanceof Message message && !message.isEvent() && !message.senderId().equals(userId))
                .count(); // messages only, as the DynamoDB store counts (type = m): events are never unread
    }

    /** Every entry of the conversation, by seq. */
    public List<TimelineEntry> entries(String conversationId) {
        return List.copyOf(timeline(conversationId).values());
    }
}
