package dev.parley.functions.store;

import dev.parley.model.domain.Gap;
import dev.parley.model.domain.Message;
import dev.parley.model.domain.TimelineEntry;
import java.util.Optional;

/** The timeline of each conversation: one entry (message or gap) per seq, written once. */
public interface MessageStore {

    /**
     * Stores the message at its seq unless that seq already holds an entry. Returns the entry
     * that was there, or empty when this call stored the message.
     *
     * @param originConnectionId the connection the message came from, which fan-out skips
     */
    Optional<TimelineEntry> putIfAbsent(Message message, String originConnectionId);

    /** Declares the seq a gap unless it already holds an entry; returns that entry, or empty. */
    Optional<TimelineEntry> putIfAbsent(Gap gap);

    Optional<TimelineEntry> get(String conversationId, long seq);

    /**
     * Entries with {@code fromSeq <= seq <= toSeq}, at most {@code limit}, ascending or descending
     * from the near end, read strongly consistently.
     */
    java.util.List<TimelineEntry> range(String conversationId, long fromSeq, long toSeq, int limit, boolean ascending);

    /** Messages with {@code afterSeq < seq <= upToSeq} not sent by {@code userId}. */
    long countFromOthers(String conversationId, long afterSeq, long upToSeq, String userId);
}
