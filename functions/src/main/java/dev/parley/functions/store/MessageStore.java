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
}
