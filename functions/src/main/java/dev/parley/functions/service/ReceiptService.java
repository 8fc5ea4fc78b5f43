package dev.parley.functions.service;

import dev.parley.functions.push.ConnectionPusher;
import dev.parley.functions.store.Connection;
import dev.parley.functions.store.ConnectionStore;
import dev.parley.functions.store.ConversationStore;
import dev.parley.functions.store.ConversationStore.Membership;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.protocol.ClientCommand;
import dev.parley.model.protocol.FrameCodec;
import dev.parley.model.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.List;

/** {@code ack} (per device) and {@code read} (per user, with receipts). */
public final class ReceiptService {
    private final ConversationStore conversations;
    private final ConnectionStore connections;
    private final ConversationAccess access;
    private final ConnectionPusher pusher;

    public ReceiptService(ConversationStore conversations, ConnectionStore connections, ConversationAccess access,
                          ConnectionPusher pusher) {
        this.conversations = conversations;
        this.connections = connections;
        this.access = access;
        this.pusher = pusher;
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
        String frame = FrameCodec.encode(new ServerFrame.ReadPush(conversationId, caller.userId(), seq));
        List<Connection> recipients = new ArrayList<>();
        for (Connection connection : connections.forUser(caller.userId())) {
            if (!connection.connectionId().equals(caller.connectionId())) {
                recipients.add(connection);
            }
        }
        if (ConversationId.isDirect(conversationId)) {
            for (String member : ConversationId.directMembers(conversationId)) {
                if (!member.equals(caller.userId())) {
                    recipients.addAll(connections.forUser(member));
                }
            }
        }
        for (Connection connection : recipients) {
            try {
                if (pusher.post(connection.connectionId(), frame) == ConnectionPusher.Outcome.GONE) {
                    connections.delete(connection.userId(), connection.connectionId());
                }
            } catch (RuntimeException notDelivered) {
                // The cursor is stored; the device sees it on its next sync.
            }
        }
    }
}
