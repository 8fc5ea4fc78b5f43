package dev.parley.functions.service;

import dev.parley.functions.push.PushFrames;
import dev.parley.functions.store.ConversationStore;
import dev.parley.functions.store.ConversationStore.Membership;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.protocol.ClientCommand;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code ack} (per device) and {@code read} (per user, with receipts). */
public final class ReceiptService {
    private final ConversationStore conversations;
    private final ConversationAccess access;
    private final Broadcaster broadcaster;

    public ReceiptService(ConversationStore conversations, ConversationAccess access, Broadcaster broadcaster) {
        this.conversations = conversations;
        this.access = access;
        this.broadcaster = broadcaster;
    }

    public void ack(Caller caller, ClientCommand.Ack command) {
        access.require(command.conversationId(), caller.userId());
        conversations.advanceAck(command.conversationId(), caller.userId(), caller.deviceId(), command.seq());
    }

    /**
     * Moves the caller's read cursor (never backwards, never past the newest seq) and tells the
     * caller's other devices and, in a direct conversation, the peer. A receipt that cannot be
     * pushed is not retried: the cursor is stored, and {@code sync} reports it.
     */
    public void read(Caller caller, ClientCommand.Read command) {
        String conversationId = command.conversationId();
        Membership membership = access.require(conversationId, caller.userId());
        long lastSeq = conversations.meta(conversationId).map(ConversationStore.Meta::lastSeq).orElse(0L);
        long seq = Math.min(command.seq(), lastSeq);
        if (seq <= membership.readSeq() || !conversations.advanceRead(conversationId, caller.userId(), seq)) {
            return;
        }
        // The caller's other devices, and in a direct conversation the peer (a group's members
        // learn of reads by sync, not by a push per read).
        Set<String> recipients = new LinkedHashSet<>(List.of(caller.userId()));
        if (ConversationId.isDirect(conversationId)) {
            recipients.addAll(access.members(conversationId).keySet());
        }
        broadcaster.broadcast(recipients, PushFrames.read(conversationId, caller.userId(), seq), caller.connectionId());
    }
}
