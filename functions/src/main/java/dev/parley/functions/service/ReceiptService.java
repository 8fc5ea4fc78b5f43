package dev.parley.functions.service;

import dev.parley.functions.push.PushFrames;
import dev.parley.functions.store.ConversationStore;
import dev.parley.functions.store.ConversationStore.Membership;
import dev.parley.functions.store.InboxStore;
import java.time.Clock;
import java.time.Duration;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.protocol.ClientCommand;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code ack} (per device) and {@code read} (per user, with receipts), both written in the
 * caller's own partition of the sync store: nothing on the conversation's key. A read in a group
 * of at most {@link GroupService#RECEIPTS_MAX_MEMBERS} members is pushed to its members ("read by
 * N" live); the positions stay in each reader's partition, where {@code GET /groups/{id}/reads}
 * reads them. An ack's membership check is remembered in the container for
 * {@link #ACK_MEMBERSHIP_TTL}: without it every device's every ack read the group's member item, so
 * 5,000 devices acking a message of one group were 5,000 reads on that group's partition (limit
 * 3,000 per second). A member removed within the TTL may still move their own ack position, in
 * their own partition, which nothing but their devices reads; {@code read} checks membership every
 * time (it moves unread counts and sends receipts).
 */
public final class ReceiptService {
    /** An ack position expires this long after its last move (abandoned devices). */
    public static final Duration ACK_KEPT_FOR = Duration.ofDays(30);
    /** How long a membership an ack proved is trusted by this container. */
    public static final Duration ACK_MEMBERSHIP_TTL = Duration.ofSeconds(60);
    /** Memberships remembered at most; past that the memory starts over (one read each again). */
    static final int MAX_REMEMBERED = 10_000;

    private final java.util.concurrent.ConcurrentHashMap<String, Long> members = new java.util.concurrent.ConcurrentHashMap<>();

    private final ConversationStore conversations;
    private final InboxStore inbox;
    private final InboxStore.UnreadTally tally;
    private final ConversationAccess access;
    private final Broadcaster broadcaster;
    private final Clock clock;
    private final Budget acks;
    private final Budget reads;

    public ReceiptService(ConversationStore conversations, InboxStore inbox, InboxStore.UnreadTally tally,
                          ConversationAccess access, Broadcaster broadcaster, Clock clock, Budget acks, Budget reads) {
        this.acks = acks;
        this.reads = reads;
        this.conversations = conversations;
        this.inbox = inbox;
        this.tally = tally;
        this.access = access;
        this.broadcaster = broadcaster;
        this.clock = clock;
    }

    /** Only in a conversation the caller is in (NOT_MEMBER otherwise, and nothing is written). */
    public void ack(Caller caller, ClientCommand.Ack command) {
        acks.spend(caller.userId());
        requireMemberForAck(command.conversationId(), caller.userId());
        inbox.advanceAck(caller.userId(), caller.deviceId(), command.conversationId(), command.seq(), clock.millis(),
                ACK_KEPT_FOR);
    }

    private void requireMemberForAck(String conversationId, String userId) {
        String key = conversationId + '\n' + userId;
        long now = clock.millis();
        Long until = members.get(key);
        if (until != null && until > now) {
            return;
        }
        access.requireRecorded(conversationId, userId);
        if (members.size() >= MAX_REMEMBERED) {
            members.clear();
        }
        members.put(key, now + ACK_MEMBERSHIP_TTL.toMillis());
    }

    /**
     * Moves the caller's read cursor (never backwards, never past the newest seq) and tells the
     * caller's other devices and, in a direct conversation, the peer. A receipt that cannot be
     * pushed is not retried: the cursor is stored, and {@code sync} reports it.
     */
    public void read(Caller caller, ClientCommand.Read command) {
        reads.spend(caller.userId());
        String conversationId = command.conversationId();
        Membership membership = access.requireRecorded(conversationId, caller.userId());
        long lastSeq = conversations.meta(conversationId).map(ConversationStore.Meta::lastSeq).orElse(0L);
        long seq = Math.min(command.seq(), lastSeq);
        long now = clock.millis();
        if (inbox.markRead(caller.userId(), conversationId, seq, membership.joinedSeq(), tally, now)
                != InboxStore.ReadOutcome.MOVED) {
            return;
        }
        if (ConversationId.isDirect(conversationId)) {
            for (String peer : ConversationId.directMembers(conversationId)) {
                if (!peer.equals(caller.userId())) {
                    inbox.advancePeerRead(peer, conversationId, seq, now);
                }
            }
        }
        // The caller's other devices, the peer in a direct conversation, and the members of a
        // group small enough for "read by N" (GroupService.RECEIPTS_MAX_MEMBERS); a larger group's
        // members get no push per read.
        Set<String> recipients = new LinkedHashSet<>(List.of(caller.userId()));
        if (ConversationId.isDirect(conversationId)) {
            recipients.addAll(access.members(conversationId).keySet());
        } else {
            long count = conversations.memberCount(conversationId);
            if (count >= 0 && count <= GroupService.RECEIPTS_MAX_MEMBERS) {
                recipients.addAll(conversations.members(conversationId));
            }
        }
        broadcaster.broadcast(recipients, PushFrames.read(conversationId, caller.userId(), seq), caller.connectionId());
    }
}
