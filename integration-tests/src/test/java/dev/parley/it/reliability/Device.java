package dev.parley.it.reliability;

import dev.parley.client.ConnectionState;
import dev.parley.client.ConversationSummary;
import dev.parley.client.CursorStore;
import dev.parley.client.InMemoryCursorStore;
import dev.parley.client.Message;
import dev.parley.client.MessageListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The application on one device: what its {@link MessageListener} was told, in order. It checks
 * the SDK's promise as the calls arrive, not only at the end: a second delivery of a
 * {@code (conversationId, seq)}, a seq lower than one already delivered, or a concurrent
 * listener call is recorded in {@link #violations()} the moment it happens.
 */
final class Device implements MessageListener {
    private final String name;
    private final CursorStore cursors;
    private final Map<String, List<Message>> messages = new ConcurrentHashMap<>();
    private final List<ConnectionState> states = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicReference<List<ConversationSummary>> conversations = new AtomicReference<>(List.of());
    private final AtomicReference<Long> totalUnread = new AtomicReference<>(-1L);
    private final AtomicBoolean inCallback = new AtomicBoolean();

    Device(String name) {
        this(name, new InMemoryCursorStore());
    }

    /** A device whose cursors survive its client: the same store given to a later client resumes there. */
    Device(String name, CursorStore cursors) {
        this.name = name;
        this.cursors = cursors;
    }

    String name() {
        return name;
    }

    CursorStore cursors() {
        return cursors;
    }

    @Override
    public void onMessage(Message message) {
        enter();
        try {
            List<Message> timeline = messages.computeIfAbsent(message.conversationId(), id -> new CopyOnWriteArrayList<>());
            if (!timeline.isEmpty()) {
                long last = timeline.get(timeline.size() - 1).seq();
                if (message.seq() == last) {
                    violations.add(name + " got " + message.conversationId() + "#" + message.seq() + " twice");
                } else if (message.seq() < last) {
                    violations.add(name + " got " + message.conversationId() + "#" + message.seq() + " after #" + last);
                }
            }
            timeline.add(message);
        } finally {
            exit();
        }
    }

    @Override
    public void onConnectionState(ConnectionState state) {
        enter();
        states.add(state);
        exit();
    }

    @Override
    public void onConversations(List<ConversationSummary> summaries, long total) {
        enter();
        conversations.set(List.copyOf(summaries));
        totalUnread.set(total);
        exit();
    }

    @Override
    public void onAuthFailed(int httpStatus) {
        violations.add(name + ": handshake refused with " + httpStatus);
    }

    private void enter() {
        if (!inCallback.compareAndSet(false, true)) {
            violations.add(name + ": concurrent listener calls");
        }
    }

    private void exit() {
        inCallback.set(false);
    }

    List<Message> in(String conversationId) {
        return new ArrayList<>(messages.getOrDefault(conversationId, List.of()));
    }

    List<Long> seqs(String conversationId) {
        return in(conversationId).stream().map(Message::seq).toList();
    }

    List<ConnectionState> states() {
        return List.copyOf(states);
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    List<ConversationSummary> conversations() {
        return conversations.get();
    }

    long totalUnread() {
        return totalUnread.get();
    }

    @Override
    public String toString() {
        return name;
    }
}
