package dev.parley.model.domain;

import java.util.List;

/**
 * An entry of a conversation's timeline that a sender made: a message, or (protocol v2) an event
 * changing an earlier message ({@link #event()} set: an edit, a delete or a reaction). Both are
 * identified by {@code (conversationId, seq)} and idempotent by {@code (sender, clientMsgId)}.
 *
 * <p>{@code bodyJson} is the body as compact JSON text, validated once on the way in and passed
 * through untouched afterwards (stored as a string, pushed as raw JSON); null for a deleted
 * message and for delete and reaction events. {@code replyTo} is 0 when the message replies to
 * nothing. {@code state} is the message's current state as {@code history} and {@code synced}
 * report it (null on pushes and on events).
 */
public record Message(String conversationId, long seq, String senderId, String clientMsgId,
                      String bodyJson, long sentAt, long replyTo, Event event, State state) implements TimelineEntry {

    /** A plain message as v1 knew it. */
    public Message(String conversationId, long seq, String senderId, String clientMsgId, String bodyJson, long sentAt) {
        this(conversationId, seq, senderId, clientMsgId, bodyJson, sentAt, 0, null, null);
    }

    /**
     * Edit, delete and reaction entries are events: they change a message and are no message of
     * their own. So are membership entries (kind {@code member}): system lines of a group's
     * timeline, never unread and never notified.
     */
    public boolean isEvent() {
        return event != null;
    }

    /** The wire {@code kind}: {@code message}, {@code edit}, {@code delete}, {@code reaction} or {@code member}. */
    public String kind() {
        return event == null ? Event.MESSAGE : event.kind();
    }

    public Message withState(State newState) {
        return new Message(conversationId, seq, senderId, clientMsgId, bodyJson, sentAt, replyTo, event, newState);
    }

    /**
     * What an event does to its target: {@code edit} (the entry's body is the new body),
     * {@code delete}, or {@code reaction} ({@code emoji} added, or taken back when {@code remove});
     * or, for {@code member}, a group's membership change (the entry's body says what changed).
     */
    public record Event(String kind, long targetSeq, String emoji, boolean remove) {
        public static final String MESSAGE = "message";
        public static final String EDIT = "edit";
        public static final String DELETE = "delete";
        public static final String REACTION = "reaction";
        /** A change of a group's members, admins or name; {@code targetSeq} 0 (it targets no message). */
        public static final String MEMBER = "member";

        public static Event edit(long targetSeq) {
            return new Event(EDIT, targetSeq, null, false);
        }

        public static Event delete(long targetSeq) {
            return new Event(DELETE, targetSeq, null, false);
        }

        public static Event reaction(long targetSeq, String emoji, boolean remove) {
            return new Event(REACTION, targetSeq, emoji, remove);
        }

        public static Event member() {
            return new Event(MEMBER, 0, null, false);
        }
    }

    /**
     * A message's current state: {@code editedAt} (0: never edited), {@code deleted}, the
     * reactions with their counts ({@code me}: the reader's own, false until marked for a reader),
     * and {@code stateSeq}, the seq of the last event applied to it (0: none). Events apply to a
     * message in seq order, so the state holds exactly the events targeting it up to
     * {@code stateSeq}: a client skips those it already sees reflected.
     */
    public record State(long editedAt, boolean deleted, List<Reaction> reactions, long stateSeq) {
        public State {
            reactions = List.copyOf(reactions);
        }

        public boolean isUnchanged() {
            return editedAt == 0 && !deleted && reactions.isEmpty() && stateSeq == 0;
        }
    }

    /** One emoji's reactions to a message: how many, and whether the reader is one of them. */
    public record Reaction(String emoji, long count, boolean me) {}
}
