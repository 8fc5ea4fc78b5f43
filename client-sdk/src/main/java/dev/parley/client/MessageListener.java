package dev.parley.client;

import java.util.List;

/**
 * What the application hears from the client. Every method is called on one thread of the
 * client's own, one call at a time, in the order the events happened; a slow callback delays
 * later ones but never the connection. An exception thrown by a callback is logged and the
 * event counts as delivered.
 */
public interface MessageListener {

    /**
     * A message, exactly once and in seq order per conversation: no message of a conversation
     * is passed before every lower seq was passed or is known to hold no message. The client's
     * own messages come here too, once the server confirmed them (match them to the send by
     * {@link Message#clientMsgId()}), so this stream alone is the complete timeline.
     */
    void onMessage(Message message);

    /**
     * Protocol v2: an edit of a message (its body is the new body), in seq order with the
     * conversation's messages. {@link #onMessageChanged} follows with the message's new state.
     */
    default void onEdit(Message edit) {}

    /** Protocol v2: a message was deleted (by its sender or a group admin). */
    default void onDelete(Message delete) {}

    /** Protocol v2: a reaction was added ({@code remove} false) or taken back. */
    default void onReaction(Message reaction) {}

    /**
     * The state of a message the client holds changed (an edit, a deletion or a reaction was
     * applied), right after {@link #onEdit}, {@link #onDelete} or {@link #onReaction}: what to redraw.
     */
    default void onMessageChanged(MessageView view) {}

    /** Another member started or stopped typing (never stored; not in seq order with anything). */
    default void onTyping(Typing typing) {}

    /** A read cursor moved (another device of the user, or the peer of a direct conversation). */
    default void onRead(ReadReceipt receipt) {}

    default void onPresence(Presence presence) {}

    /**
     * A group the user is in changed: members added or removed (the user included, when they are
     * removed), admins promoted or demoted, or a rename (protocol v2), as it happens (a
     * {@code members} frame: no list of members, see {@link GroupChange}). {@link ParleyClient#group}
     * holds the state after it when the group was known.
     */
    default void onGroupChanged(GroupChange change) {}

    /**
     * A group's change as its timeline keeps it (an entry of kind {@code member}): exactly once and
     * in seq order with the conversation's messages, also on a new device or after a restart (sync
     * and history carry it), which is where "alice added carol" lines come from. Never unread.
     */
    default void onMemberEntry(GroupChange change) {}

    default void onConnectionState(ConnectionState state) {}

    /**
     * After each completed sync round: the conversations as this client's syncs described them
     * (the newest state of each, those the user left removed), with unread counts, and their
     * total (the sum of the listed {@code unread}). A device's first round lists every
     * conversation; a client started from a saved sync position ({@link CursorStore}) hears of
     * those that changed since, and keeps the others from its earlier run, or asks
     * {@code ParleyClient.conversations()}.
     */
    default void onConversations(List<ConversationSummary> conversations, long totalUnread) {}

    /**
     * The handshake was refused with {@code httpStatus} (401 or 403) for two tokens in a row.
     * The client stops trying; call {@link ParleyClient#reconnect()} once the user signed in again.
     */
    default void onAuthFailed(int httpStatus) {}

    /**
     * The server sent a frame the client could not use (see {@link ProtocolError}). The client
     * skipped it and goes on; nothing for the application to undo. Log it: it means a server bug,
     * a message stored before the server's limits, or a client older than the server.
     */
    default void onProtocolError(ProtocolError error) {}
}
