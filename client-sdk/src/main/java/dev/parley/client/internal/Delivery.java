package dev.parley.client.internal;

import dev.parley.client.CursorStore;
import dev.parley.client.Message;
import dev.parley.client.MessageListener;

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

    Delivery(Loop loop, MessageListener listener, CursorStore cursors, Receipts receipts) {
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
                    listener.onMessage(message);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "MessageListener.onMessage threw; the message counts as delivered", e);
                }
            }
            cursors.save(progress.conversationId(), progress.cursor());
            if (progress.cursor() > 0) {
                loop.execute(() -> receipts.delivered(progress.conversationId(), progress.cursor()));
            }
        });
    }
}
