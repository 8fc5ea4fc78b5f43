package dev.parley.functions.service;

import dev.parley.functions.store.MessageEventStore;
import dev.parley.functions.store.MessageEventStore.ReactionKey;
import dev.parley.model.domain.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Sets {@code me} on the reactions of a page for its reader: one batched read by key of the
 * reader's own reaction items, only for the (message, emoji) pairs the page shows, so a message
 * with 10,000 reactions costs the reader one item per emoji shown, never one per reaction.
 */
public final class ReactionMarks {
    private final MessageEventStore events;

    public ReactionMarks(MessageEventStore events) {
        this.events = events;
    }

    /** The page with each reaction's {@code me} set for {@code userId}; no read when nothing was reacted to. */
    public List<Message> mark(String userId, String conversationId, List<Message> page) {
        List<ReactionKey> candidates = new ArrayList<>();
        for (Message message : page) {
            if (message.state() != null) {
                message.state().reactions().forEach(r -> candidates.add(new ReactionKey(message.seq(), r.emoji())));
            }
        }
        if (candidates.isEmpty()) {
            return page;
        }
        Set<ReactionKey> mine = events.reactedBy(userId, conversationId, candidates);
        List<Message> marked = new ArrayList<>(page.size());
        for (Message message : page) {
            Message.State state = message.state();
            if (state == null || state.reactions().isEmpty()) {
                marked.add(message);
                continue;
            }
            List<Message.Reaction> reactions = state.reactions().stream()
                    .map(r -> new Message.Reaction(r.emoji(), r.count(), mine.contains(new ReactionKey(message.seq(), r.emoji()))))
                    .toList();
            marked.add(message.withState(new Message.State(state.editedAt(), state.deleted(), reactions, state.stateSeq())));
        }
        return marked;
    }
}
