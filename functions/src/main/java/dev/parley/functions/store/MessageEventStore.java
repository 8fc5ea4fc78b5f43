package dev.parley.functions.store;

import dev.parley.model.domain.Message;
import java.util.Collection;
import java.util.Set;

/**
 * Protocol v2's events on a message (edit, delete, reaction): each is stored as its own timeline
 * entry and applied to its target's current state in one atomic write, so the timeline and the
 * state never disagree. Events apply to a target in seq order: one whose seq is below the
 * target's {@code stateSeq} is not applied ({@link Outcome#SUPERSEDED}), and the caller draws a
 * fresh seq for it.
 */
public interface MessageEventStore {

    enum Outcome {
        /** Stored at its seq and applied to the target. */
        APPLIED,
        /** Nothing written: the seq already holds an entry (this very event, or a gap). */
        SEQ_TAKEN,
        /** Nothing written: an event with a higher seq was applied to the target first. */
        SUPERSEDED,
        /** Nothing written: the target is no message (a gap, an event) or was deleted. */
        TARGET_GONE,
        /** Nothing written: the reaction is already there (add) or is not there (remove). */
        REACTION_UNCHANGED,
        /** Nothing written: the target already has the most distinct emojis it may have. */
        TOO_MANY_EMOJIS
    }

    /** A reaction of the reader to look up: which message, which emoji. */
    record ReactionKey(long seq, String emoji) {}

    /**
     * Stores {@code event} at its seq and applies it to the message at its target seq, or neither.
     *
     * @param maxEmojis the most distinct emojis a message may carry (reactions only)
     */
    Outcome apply(Message event, String originConnectionId, int maxEmojis);

    /** Whether the user's reaction with this emoji to the message exists (strongly consistent). */
    boolean hasReacted(String conversationId, long seq, String userId, String emoji);

    /** Which of the candidates the user reacted with (batched reads by key). */
    Set<ReactionKey> reactedBy(String userId, String conversationId, Collection<ReactionKey> candidates);
}
