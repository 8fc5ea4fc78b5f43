package dev.parley.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.Message;
import dev.parley.client.MessageView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The current state of each message the client holds (protocol v2): messages and their events
 * applied in seq order, which ends where the server's {@code history} is. A page's message brings
 * its state and {@code stateSeq}; events at or below that seq are already in it and are skipped.
 * Keeps the newest {@link #MAX_PER_CONVERSATION} messages of each conversation. Thread-safe.
 */
public final class MessageStates {
    public static final int MAX_PER_CONVERSATION = 2_000;

    private final Supplier<String> self;
    private final Map<String, TreeMap<Long, Entry>> conversations = new HashMap<>();

    private static final class Entry {
        final Message message;
        JsonNode body;
        long editedAt;
        boolean deleted;
        long stateSeq;
        final Map<String, Long> counts = new LinkedHashMap<>();
        final TreeSet<String> mine = new TreeSet<>();

        Entry(Message message) {
            this.message = message;
            this.body = message.body();
        }
    }

    /** @param self the user's id, once known: their own reactions are {@code me} */
    public MessageStates(Supplier<String> self) {
        this.self = self;
    }

    /**
     * Applies one entry, delivered in seq order. Returns the view of the message it changed (an
     * event's target), or null for a message, or for an event on a message the client does not hold.
     */
    public synchronized MessageView apply(Message entry) {
        TreeMap<Long, Entry> messages = conversations.computeIfAbsent(entry.conversationId(), c -> new TreeMap<>());
        if (!entry.isEvent()) {
            hold(messages, entry);
            return null;
        }
        Entry target = messages.get(entry.event().targetSeq());
        if (target == null || entry.seq() <= target.stateSeq) {
            return null;
        }
        target.stateSeq = entry.seq();
        switch (entry.event().kind()) {
            case Message.Event.EDIT -> {
                target.body = entry.body();
                target.editedAt = entry.sentAt();
            }
            case Message.Event.DELETE -> {
                target.deleted = true;
                target.body = null;
                target.counts.clear();
                target.mine.clear();
            }
            case Message.Event.REACTION -> {
                String emoji = entry.event().emoji();
                long count = target.counts.getOrDefault(emoji, 0L) + (entry.event().remove() ? -1 : 1);
                if (count > 0) {
                    target.counts.put(emoji, count);
                } else {
                    target.counts.remove(emoji);
                }
                if (entry.senderId() != null && entry.senderId().equals(self.get())) {
                    if (entry.event().remove()) {
                        target.mine.remove(emoji);
                    } else {
                        target.mine.add(emoji);
                    }
                }
            }
            default -> {
                return null; // a kind of a newer protocol version
            }
        }
        return view(target);
    }

    /** Messages of a history page the client did not hold yet, with the state the page gave. */
    public synchronized void absorb(List<Message> page) {
        for (Message message : page) {
            if (!message.isEvent()) {
                TreeMap<Long, Entry> messages = conversations.computeIfAbsent(message.conversationId(), c -> new TreeMap<>());
                if (!messages.containsKey(message.seq())) {
                    hold(messages, message);
                }
            }
        }
    }

    public synchronized Optional<MessageView> view(String conversationId, long seq) {
        TreeMap<Long, Entry> messages = conversations.get(conversationId);
        Entry entry = messages == null ? null : messages.get(seq);
        return entry == null ? Optional.empty() : Optional.of(view(entry));
    }

    private void hold(TreeMap<Long, Entry> messages, Message message) {
        Entry entry = new Entry(message);
        Message.State state = message.state();
        if (state != null) {
            entry.editedAt = state.editedAt();
            entry.deleted = state.deleted();
            entry.stateSeq = state.stateSeq();
            for (Message.Reaction reaction : state.reactions()) {
                entry.counts.put(reaction.emoji(), reaction.count());
                if (reaction.me()) {
                    entry.mine.add(reaction.emoji());
                }
            }
        }
        messages.put(message.seq(), entry);
        while (messages.size() > MAX_PER_CONVERSATION) {
            messages.pollFirstEntry();
        }
    }

    private static MessageView view(Entry entry) {
        List<Message.Reaction> reactions = new ArrayList<>();
        entry.counts.forEach((emoji, count) -> reactions.add(new Message.Reaction(emoji, count, entry.mine.contains(emoji))));
        Message m = entry.message;
        return new MessageView(m.conversationId(), m.seq(), m.senderId(), entry.deleted ? null : entry.body, m.sentAt(),
                m.replyTo(), entry.editedAt, entry.deleted, List.copyOf(reactions));
    }
}
