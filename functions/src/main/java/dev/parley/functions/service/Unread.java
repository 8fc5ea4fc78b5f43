package dev.parley.functions.service;

import dev.parley.functions.store.InboxStore;

/**
 * The one unread rule, read by {@code sync}, {@code GET /conversations} and the notification
 * badge alike: the messages after the member's read position (and after they joined) that others
 * sent. The sync store keeps it per conversation, exact under retries and concurrent reads
 * (docs/data-model.md, "inbox"); nothing here counts messages.
 */
public final class Unread {
    private final InboxStore inbox;

    public Unread(InboxStore inbox) {
        this.inbox = inbox;
    }

    /** The sum over every conversation of the user: what a badge shows (the store's per-user counter). */
    public long total(String userId) {
        return inbox.badge(userId, System.currentTimeMillis());
    }
}
