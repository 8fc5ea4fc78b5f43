package dev.parley.client.internal;

import dev.parley.client.CursorStore;
import dev.parley.client.Message;
import dev.parley.client.MessageListener;
import dev.parley.client.MessageView;

/**
 * Hands what the {@link Sequencer} released to the application, then saves the cursor, then
 * queues the ack: a crash in between repeats messages on the next start, never loses them.
 */
final class Delivery {
    private static final System.Logger LOG = System.getLogger("dev.parley.client");

    private final Loop loop;
    private final MessageListener listener;
    private final CursorStore cursors;
    private final Receipts receipts;

    private final MessageStates states;

    Delivery(Loop loop, MessageListener listener, CursorStore cursors, Receipts receipts, MessageStates states) {
        this.states = states;
        this.loop = loop;
        this.listener = listener;
        this.cursors = cursors;
        this.receipts = receipts;
    }

    void deliver(Progress progress) {
        if (!progress.advanced()) {
            return;
        }
        loop.callback(() -> {
            for (Message message : progress.delivered()) {
                try {
                    if (!message.isEvent()) {
                        listener.onMessage(message);
                    } else if (Message.Event.EDIT.equals(message.event().kind())) {
                        listener.onEdit(message);
                    } else if (Message.Event.DELETE.equals(message.event().kind())) {
                        listener.onDelete(message);
                    } else if (Message.Event.REACTION.equals(message.event().kind())) {
                        listener.onReaction(message);
                    } else if (Message.Event.MEMBER.equals(message.event().kind())) {
                        dev.parley.client.GroupChange change = Groups.fromEntry(message);
                        if (change != null) {
                            listener.onMemberEntry(change);
                        }
                    }
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "MessageListener threw; the entry counts as delivered", e);
                }
                MessageView changed = states.apply(message);
                if (changed != null) {
                    try {
                        listener.onMessageChanged(changed);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.ERROR, "MessageListener.onMessageChanged threw", e);
                    }
                }
            }
            cursors.save(progress.conversationId(), progress.cursor());
            if (progress.cursor() > 0) {
                loop.execute(() -> receipts.delivered(progress.conversationId(), progress.cursor()));
            }
        });
    }
}
