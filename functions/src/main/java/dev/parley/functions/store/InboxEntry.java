package dev.parley.functions.store;

import java.util.Set;

/**
 * One user's view of one conversation in the sync store: what a device needs to show the
 * conversation in a list and to know whether it is behind, without reading the conversation.
 *
 * @param lastSeq        the highest seq applied to this entry (message or gap)
 * @param readSeq        the user's read position (never moves backwards)
 * @param unread         messages from others after {@code readSeq} among those applied
 * @param unreadMentions the part of {@code unread} that mentions the user
 * @param lastActivity   {@code sentAt} of the newest message applied (epoch ms; 0 before the first)
 * @param activeAt       when the newest message was applied (epoch ms): the list order
 * @param changedAt      when the entry last changed in a way a device sees (epoch ms): the sync order
 * @param peerReadSeq    direct conversations: the peer's read position (0 when unknown)
 * @param left           the user is no longer a member; devices drop the conversation
 * @param version        incremented by every change; writers that read first condition on it
 * @param pending        seqs below {@code lastSeq} that arrived out of order and are not applied yet
 */
public record InboxEntry(String userId, String conversationId, String kind, String name, long joinedSeq,
                         long lastSeq, long readSeq, long unread, long unreadMentions, long lastActivity,
                         long activeAt, long changedAt, boolean muted, long peerReadSeq, boolean left,
                         long version, Set<Long> pending) {
    public InboxEntry {
        pending = Set.copyOf(pending);
    }
}
